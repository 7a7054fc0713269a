import { createAuthorizedRoutes } from '../create-authorized-routes.ts';
import { sendNoRoute } from '../create-router.ts';
import type { FakeContext } from '../define-fake.ts';
import { defineFake } from '../define-fake.ts';
import type { FakeRequest } from '../fake-request.ts';
import { createModelApiCli } from '../model-api-cli.ts';
import type { ModelApiOptions } from '../model-api-state.ts';
import { createModelApiState } from '../model-api-state.ts';
import { answerCountTokens, answerEmbedContent } from './answer-count-tokens-and-embeddings.ts';
import { answerGenerateContent } from './answer-generate-content.ts';
import type { FakeGeminiCaller, VerifyAccessToken } from './authorize-gemini-request.ts';
import { authorizeGeminiRequest } from './authorize-gemini-request.ts';
import { createThoughtSignatureRegistry } from './check-thought-signatures.ts';
import type { FakeGeminiModel, FakeGeminiModelOptions } from './fake-gemini-model.ts';
import { createFakeGeminiModels, resolveGeminiModel, toGeminiModelObject } from './fake-gemini-model.ts';
import type { FakeGeminiScenario, FakeGeminiScenarioInput } from './fake-gemini-scenario.ts';
import { resolveFakeGeminiScenario } from './fake-gemini-scenario.ts';
import { googleError, rejectInvalidPayload, sendGoogleJson } from './google-api-error.ts';

/** Shaped like a real key (`AIza` + 35 characters), so format checks in the gateway accept it. */
export const DEFAULT_FAKE_GEMINI_API_KEY = 'AIzaSyFAKE-gemini-api-key-000000000000';

export type FakeGeminiApiOptions = ModelApiOptions<FakeGeminiScenarioInput, FakeGeminiModelOptions> & {
  /** Judges bearer tokens (a fake Google OAuth's): false is a 401, scopes without a Gemini one a 403. Default: 401. */
  verifyAccessToken?: VerifyAccessToken;
};

export type GeminiApiContext = FakeContext<FakeGeminiApiOptions, ReturnType<typeof createState>, FakeGeminiScenario>;

function createState(options: FakeGeminiApiOptions) {
  return {
    ...createModelApiState(options, { apiKey: DEFAULT_FAKE_GEMINI_API_KEY, createModels: createFakeGeminiModels }),
    signatures: createThoughtSignatureRegistry(),
    callers: [] as FakeGeminiCaller[],
  };
}

/** Which `supportedGenerationMethods` entry each served method needs. */
const REQUIRED_METHODS: Record<string, string> = {
  generateContent: 'generateContent',
  streamGenerateContent: 'generateContent',
  countTokens: 'countTokens',
  embedContent: 'embedContent',
  batchEmbedContents: 'embedContent',
};
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** A strict fake of generativelanguage.googleapis.com v1beta, following docs/google-protocol.md §3 and §5.3. */
export const geminiApiFake = defineFake({
  name: 'gemini-api',
  summary: 'generativelanguage.googleapis.com v1beta: models, generateContent, countTokens, embeddings',
  createState,
  scenarios: { resolve: resolveFakeGeminiScenario, fallback: 'text' },
  routes: (context: GeminiApiContext) => {
    const on = createAuthorizedRoutes({
      context,
      authorize: async (request) => {
        const caller = await authorizeGeminiRequest(request, context.state.apiKeys, context.options.verifyAccessToken);
        context.state.callers.push(caller);
      },
      sendRejection: (reply, rejection) => sendGoogleJson(reply, rejection.body, rejection.status),
    });
    on('GET', '/v1beta/models', (request, reply) => {
      const { models } = context.state;
      const query = request.url.searchParams;
      const sizeText = query.get('pageSize') ?? query.get('page_size');
      if (sizeText != null && !/^-?\d+$/.test(sizeText)) {
        throw rejectInvalidPayload(`Invalid value at 'page_size' (TYPE_INT32), "${sizeText}"`, 'page_size');
      }
      const requested = Number(sizeText ?? 0);
      if (requested < 0) throw googleError(400, 'page_size must not be negative.');
      // Zero means the default; anything above the maximum is clamped, as the API documents.
      const pageSize = requested === 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
      const token = query.get('pageToken') ?? query.get('page_token') ?? '';
      const offset = token === '' ? 0 : decodePageToken(token);
      if (offset == null || offset > models.length) throw googleError(400, 'Invalid page token.');
      const next = offset + pageSize;
      sendGoogleJson(reply, {
        models: models.slice(offset, next).map(toGeminiModelObject),
        ...(next < models.length ? { nextPageToken: Buffer.from(`fake-models:${next}`).toString('base64url') } : {}),
      });
    });
    on('GET', '/v1beta/models/:model', (request, reply) => {
      const id = request.params.model ?? '';
      if (id.includes(':')) return sendNoRoute(request, reply);
      const model = context.state.models.find((candidate) => candidate.id === id);
      if (model == null) throw googleError(404, `models/${id} is not found for API version v1beta.`);
      sendGoogleJson(reply, toGeminiModelObject(model));
    });
    // A method suffix the fake does not serve gets the router's own 404 (the real API answers with HTML).
    on('POST', '/v1beta/models/:action', async (request, reply) => {
      const action = request.params.action ?? '';
      const colon = action.lastIndexOf(':');
      const method = action.slice(colon + 1);
      const requiredMethod = REQUIRED_METHODS[method];
      if (colon <= 0 || requiredMethod == null) return sendNoRoute(request, reply);
      const id = action.slice(0, colon);
      const model = resolveGeminiModel({ models: context.state.models, id, method, requiredMethod });
      const body = readGeminiJsonBody(request);
      if (method === 'countTokens') answerCountTokens({ body, reply, model });
      else if (requiredMethod === 'embedContent') {
        answerEmbedContent({ body, reply, model, isBatch: method === 'batchEmbedContents' });
      } else {
        await answerGenerateContent({
          context,
          request,
          body,
          reply,
          model,
          isStream: method === 'streamGenerateContent',
        });
      }
    });
  },
  handle: (context) => ({
    get apiKeys(): readonly string[] {
      return context.state.apiKeys;
    },
    get models(): readonly FakeGeminiModel[] {
      return context.state.models;
    },
    /** Who made each accepted API call, in order (API key or OAuth account). */
    get callers(): readonly FakeGeminiCaller[] {
      return context.state.callers;
    },
  }),
  cli: createModelApiCli<FakeGeminiApiOptions>({
    banner: (url) => `${url}, v1beta, x-goog-api-key ${DEFAULT_FAKE_GEMINI_API_KEY} unless --api-key names others`,
  }),
});

export const startFakeGeminiApi = geminiApiFake.start;
export type FakeGeminiApi = Awaited<ReturnType<typeof startFakeGeminiApi>>;

/** The parsed body; invalid JSON gets Google's parse error. */
function readGeminiJsonBody(request: FakeRequest): unknown {
  if (request.rawBody.length === 0) return {};
  try {
    return request.json();
  } catch {
    throw rejectInvalidPayload('Invalid JSON payload received. Unexpected token.');
  }
}

function decodePageToken(token: string): number | undefined {
  const match = /^fake-models:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] == null ? undefined : Number(match[1]);
}
