import { createAuthorizedRoutes } from '../create-authorized-routes.ts';
import type { FakeContext } from '../define-fake.ts';
import { defineFake } from '../define-fake.ts';
import type { FakeRequest } from '../fake-request.ts';
import { createModelApiCli } from '../model-api-cli.ts';
import type { ModelApiOptions } from '../model-api-state.ts';
import { createModelApiState } from '../model-api-state.ts';
import { sendJson } from '../send-json.ts';
import { answerEmbeddings } from './answer-embeddings.ts';
import { answerOpenAiTurn } from './answer-openai-turn.ts';
import type { FakeOpenAiModel, FakeOpenAiModelOptions } from './fake-openai-model.ts';
import { createFakeOpenAiModels } from './fake-openai-model.ts';
import type { FakeOpenAiScenario, FakeOpenAiScenarioInput } from './fake-openai-scenario.ts';
import { resolveFakeOpenAiScenario } from './fake-openai-scenario.ts';
import { openAiError, readOpenAiJsonBody, sendOpenAiRejection } from './openai-request-checks.ts';
import { renderChatCompletion } from './render-chat-completion.ts';
import { renderResponse } from './render-response.ts';
import { validateChatCompletionRequest } from './validate-chat-completion-request.ts';
import { validateResponsesRequest } from './validate-responses-request.ts';

export const DEFAULT_FAKE_OPENAI_API_KEY = 'sk-test-fake-openai-api-key-0000';

export type FakeOpenAiApiOptions = ModelApiOptions<FakeOpenAiScenarioInput, FakeOpenAiModelOptions> & {
  /** Real OpenAI rejects unknown body fields; false acts like a lenient compatible server. Default true. */
  shouldRejectUnknownParameters?: boolean;
};

export type OpenAiApiContext = FakeContext<FakeOpenAiApiOptions, ReturnType<typeof createState>, FakeOpenAiScenario>;

function createState(options: FakeOpenAiApiOptions) {
  return {
    ...createModelApiState(options, { apiKey: DEFAULT_FAKE_OPENAI_API_KEY, createModels: createFakeOpenAiModels }),
    shouldRejectUnknownParameters: options.shouldRejectUnknownParameters ?? true,
    /** Ids of responses created with `store` on, for `previous_response_id`. */
    storedResponseIds: new Set<string>(),
  };
}

/** A strict fake of api.openai.com: models, chat completions, responses and embeddings, validated as the real one. */
export const openAiApiFake = defineFake({
  name: 'openai-api',
  summary: 'api.openai.com: models, chat completions, responses, embeddings',
  createState,
  scenarios: { resolve: resolveFakeOpenAiScenario, fallback: 'text' },
  routes: (context: OpenAiApiContext) => {
    const authorize = (request: FakeRequest) => authorizeOpenAiRequest(request, context.state.apiKeys);
    const on = createAuthorizedRoutes({ context, authorize, sendRejection: sendOpenAiRejection });
    const settings = () => ({
      models: context.state.models,
      shouldRejectUnknownParameters: context.state.shouldRejectUnknownParameters,
    });
    on('GET', '/v1/models', (_request, reply) => {
      sendJson({ reply, body: { object: 'list', data: context.state.models.map(toModelObject) } });
    });
    on('GET', '/v1/models/:model', (request, reply) => {
      const id = request.params.model ?? '';
      const model = context.state.models.find((candidate) => candidate.id === id);
      const message = `The model '${id}' does not exist`;
      if (model == null) throw openAiError({ status: 404, message, param: 'model', code: 'model_not_found' });
      sendJson({ reply, body: toModelObject(model) });
    });
    on('POST', '/v1/chat/completions', (request, reply) => {
      const parsed = validateChatCompletionRequest({ body: readOpenAiJsonBody(request), ...settings() });
      const render = (turn: Parameters<typeof renderChatCompletion>[0]) =>
        renderChatCompletion(turn, parsed.shouldIncludeUsage);
      return answerOpenAiTurn({ context, reply, request: parsed, render });
    });
    on('POST', '/v1/responses', (request, reply) => {
      const { storedResponseIds } = context.state;
      const hasStoredResponse = (id: string) => storedResponseIds.has(id);
      const parsed = validateResponsesRequest({ body: readOpenAiJsonBody(request), ...settings(), hasStoredResponse });
      const render = (turn: Parameters<typeof renderResponse>[0]) => {
        const rendering = renderResponse(turn, parsed.body);
        if (parsed.shouldStore && turn.interruption == null) storedResponseIds.add(rendering.id);
        return rendering;
      };
      return answerOpenAiTurn({ context, reply, request: parsed, render });
    });
    on('POST', '/v1/embeddings', (request, reply) => {
      answerEmbeddings({ reply, body: readOpenAiJsonBody(request), ...settings() });
    });
  },
  handle: (context) => ({
    /** `<url>/v1`, what an OpenAI client takes as its base URL. */
    get baseUrl(): string {
      return `${context.url}/v1`;
    },
    get apiKeys(): readonly string[] {
      return context.state.apiKeys;
    },
    get models(): readonly FakeOpenAiModel[] {
      return context.state.models;
    },
  }),
  cli: createModelApiCli<FakeOpenAiApiOptions>({
    printedUrl: (url) => `${url}/v1`,
    banner: (url) => `${url}/v1, key ${DEFAULT_FAKE_OPENAI_API_KEY} unless --api-key names others`,
  }),
});

export const startFakeOpenAiApi = openAiApiFake.start;
export type FakeOpenAiApi = Awaited<ReturnType<typeof startFakeOpenAiApi>>;

/** `Authorization: Bearer <key>`; the real server answers a missing key with code null and a wrong one masked. */
function authorizeOpenAiRequest(request: FakeRequest, apiKeys: readonly string[]): void {
  const key = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (key == null) {
    throw openAiError({
      status: 401,
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer " +
        "auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're " +
        'accessing the API from your browser and are prompted for a username and password. You can obtain an API key ' +
        'from https://platform.openai.com/account/api-keys.',
    });
  }
  if (apiKeys.includes(key)) return;
  const masked = key.length <= 8 ? key : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
  const message = `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  throw openAiError({ status: 401, message, code: 'invalid_api_key' });
}

function toModelObject(model: FakeOpenAiModel): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}
