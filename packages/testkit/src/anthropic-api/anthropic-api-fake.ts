import { createAuthorizedRoutes } from '../create-authorized-routes.ts';
import type { FakeContext } from '../define-fake.ts';
import { defineFake } from '../define-fake.ts';
import type { FakeRequest } from '../fake-request.ts';
import { createModelApiCli } from '../model-api-cli.ts';
import type { ModelApiOptions } from '../model-api-state.ts';
import { createModelApiState } from '../model-api-state.ts';
import { sendJson } from '../send-json.ts';
import { estimateTokens } from '../split-into-deltas.ts';
import { answerMessages, buildAnthropicHeaders, createThinkingSignatures } from './answer-messages.ts';
import { anthropicError, sendAnthropicRejection } from './anthropic-api-error.ts';
import type { FakeAnthropicModel, FakeAnthropicModelOptions } from './fake-anthropic-model.ts';
import { createFakeAnthropicModels } from './fake-anthropic-model.ts';
import type { FakeAnthropicScenario, FakeAnthropicScenarioInput } from './fake-anthropic-scenario.ts';
import { resolveFakeAnthropicScenario } from './fake-anthropic-scenario.ts';
import { validateMessagesRequest } from './validate-messages-request.ts';

export const DEFAULT_FAKE_ANTHROPIC_API_KEY = 'sk-ant-api03-fake-anthropic-api-key-0000';

export type FakeAnthropicApiOptions = ModelApiOptions<FakeAnthropicScenarioInput, FakeAnthropicModelOptions>;

export type AnthropicApiContext = FakeContext<
  FakeAnthropicApiOptions,
  ReturnType<typeof createState>,
  FakeAnthropicScenario
>;

function createState(options: FakeAnthropicApiOptions) {
  return {
    ...createModelApiState(options, {
      apiKey: DEFAULT_FAKE_ANTHROPIC_API_KEY,
      createModels: createFakeAnthropicModels,
    }),
    signatures: createThinkingSignatures(),
  };
}

/**
 * A strict fake of api.anthropic.com: the models list and `POST /v1/messages` (JSON and event stream, thinking,
 * tools), checked as the real API checks them (docs/anthropic-protocol.md, "The Anthropic API as an upstream").
 */
export const anthropicApiFake = defineFake({
  name: 'anthropic-api',
  summary: 'api.anthropic.com: models, messages (stream and JSON, tools, thinking), count_tokens',
  createState,
  scenarios: { resolve: resolveFakeAnthropicScenario, fallback: 'text' },
  routes: (context: AnthropicApiContext) => {
    const authorize = (request: FakeRequest) => authorizeAnthropicRequest(request, context.state.apiKeys);
    const on = createAuthorizedRoutes({ context, authorize, sendRejection: sendAnthropicRejection });
    on('GET', '/v1/models', (request, reply) => {
      const { models } = context.state;
      const query = request.url.searchParams;
      const limit = Number(query.get('limit') ?? 20);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw anthropicError({ message: 'limit: Input should be less than or equal to 1000' });
      }
      const afterId = query.get('after_id');
      const start = afterId == null ? 0 : models.findIndex((model) => model.id === afterId) + 1;
      const page = models.slice(start, start + limit);
      sendJson({
        reply,
        headers: buildAnthropicHeaders(),
        body: {
          data: page.map(toModelObject),
          has_more: start + limit < models.length,
          first_id: page[0]?.id ?? null,
          last_id: page.at(-1)?.id ?? null,
        },
      });
    });
    on('GET', '/v1/models/:model', (request, reply) => {
      const id = request.params.model ?? '';
      const model = context.state.models.find((candidate) => candidate.id === id);
      if (model == null) throw anthropicError({ type: 'not_found_error', message: `model: ${id}` });
      sendJson({ reply, body: toModelObject(model), headers: buildAnthropicHeaders() });
    });
    on('POST', '/v1/messages', (request, reply) => {
      const parsed = validateMessagesRequest({
        body: readAnthropicJsonBody(request),
        models: context.state.models,
        isSignatureIssued: context.state.signatures.has,
      });
      return answerMessages({ context, reply, request: parsed });
    });
    // Counts what the fake's own answers count (about four characters a token); plays no scenario.
    on('POST', '/v1/messages/count_tokens', (request, reply) => {
      const parsed = validateMessagesRequest({
        body: readAnthropicJsonBody(request),
        models: context.state.models,
        isSignatureIssued: context.state.signatures.has,
        isCountTokens: true,
      });
      sendJson({ reply, body: { input_tokens: estimateTokens(parsed.promptText) }, headers: buildAnthropicHeaders() });
    });
  },
  handle: (context) => ({
    /** `<url>/v1`, what the AI SDK takes as its base URL (the official SDK takes the bare `url`). */
    get baseUrl(): string {
      return `${context.url}/v1`;
    },
    get apiKeys(): readonly string[] {
      return context.state.apiKeys;
    },
    get models(): readonly FakeAnthropicModel[] {
      return context.state.models;
    },
  }),
  cli: createModelApiCli<FakeAnthropicApiOptions>({
    banner: (url) => `${url}, key ${DEFAULT_FAKE_ANTHROPIC_API_KEY} unless --api-key names others`,
  }),
});

export const startFakeAnthropicApi = anthropicApiFake.start;
export type FakeAnthropicApi = Awaited<ReturnType<typeof startFakeAnthropicApi>>;

/**
 * `x-api-key: <key>` and an `anthropic-version` header, checked in that order, as the real API does: a missing or
 * wrong key is a 401 `authentication_error`, a missing version a 400.
 */
function authorizeAnthropicRequest(request: FakeRequest, apiKeys: readonly string[]): void {
  const key = request.headers['x-api-key'];
  if (typeof key !== 'string' || key === '') {
    throw anthropicError({ type: 'authentication_error', message: 'x-api-key header is required' });
  }
  if (!apiKeys.includes(key)) throw anthropicError({ type: 'authentication_error', message: 'invalid x-api-key' });
  const version = request.headers['anthropic-version'];
  if (typeof version !== 'string' || version === '') {
    throw anthropicError({ message: 'anthropic-version: header is required' });
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) {
    throw anthropicError({ message: `anthropic-version: invalid version ${version}` });
  }
}

function readAnthropicJsonBody(request: FakeRequest): unknown {
  try {
    return request.json();
  } catch {
    throw anthropicError({ message: 'There was an issue with your request body: it is not valid JSON.' });
  }
}

function toModelObject(model: FakeAnthropicModel): Record<string, unknown> {
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: model.createdAt };
}
