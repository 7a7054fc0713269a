import type { AiRequest, ModelEntry, ProviderName } from '@pag/contracts';
import {
  type CodexChatModelSettings,
  createCodexChatModel,
  createGeminiChatModel,
  createGeminiEmbeddingModel,
  createOpenAiCompatibleChatModel,
  createOpenAiCompatibleEmbeddingModel,
  type ForwardedChat,
  forwardCodexResponses,
  forwardOpenAiCompatibleChat,
  type GeminiAuth,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3StreamPart,
  listCodexModels,
  listGeminiModels,
  listOpenAiCompatibleModels,
  type SharedV3ProviderOptions,
  type SharedV3Warning,
  type UpstreamResponse,
} from '@pag/providers';
import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { connections } from '../../db/schema.ts';
import type { ChatgptTokenManager } from '../connections/chatgpt-token-manager.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { selectChatgptConnection } from '../connections/select-chatgpt-connection.ts';
import type { ConnectionRow } from '../connections/to-connection-dto.ts';
import { listApiCredentialRows, readApiKey } from '../credentials/list-api-credentials.ts';
import type { ApiKeyValidator } from '../credentials/save-api-credential.ts';
import type { ApiCredentialRow } from '../credentials/to-api-credential-dto.ts';
import { findFeature } from '../features/list-features.ts';
import { GatewayError } from '../gateway-error.ts';
import type { GoogleTokenManager } from '../google/google-token-manager.ts';
import { LruMap } from '../lru-map.ts';
import type { ChatCompletionRequest } from '../openai-compat/chat-completion-request.ts';
import type { ResponsesRequest } from '../openai-compat/responses-request.ts';
import { toCodexResponsesBody } from '../openai-compat/to-codex-responses-body.ts';
import { toUpstreamChatBody } from '../openai-compat/to-upstream-chat-body.ts';
import { getUserSettings } from '../settings/get-user-settings.ts';
import { buildPrompt } from './build-prompt.ts';
import { deriveConversationId } from './derive-conversation-id.ts';
import { describeUpstreamError, isFallbackWorthy } from './describe-upstream-error.ts';
import { isChatModelId } from './is-chat-model-id.ts';
import { ModelCatalogueCache } from './model-catalogue.ts';
import { peekFirstOutput } from './peek-first-output.ts';
import { resolveRoutePlan, splitProviderModel } from './resolve-route-plan.ts';
import type { CatalogueEntry, ProviderAvailability, RouteStep } from './route-plan.ts';

export type AiGatewaySettings = {
  chatgptBackendUrl: string;
  geminiApiUrl: string;
  /** Identifies the gateway to the Codex backend (honestly: not the official CLI's name). */
  originator: string;
  userAgent: string;
  /** Sent as the catalogue's `client_version` (`GATEWAY_CODEX_CLIENT_VERSION`). */
  clientVersion: string;
  /** How long a client may wait for an upstream answer to begin, retries included. */
  firstByteTimeoutMs: number;
  fetch?: typeof fetch;
};

/** Where a request's upstream events (retries) are logged: the request's own logger, so they sit by its access line. */
export type UpstreamLog = { warn: (object: object, message: string) => void };

export type StartedChat = {
  provider: ProviderName;
  /** `provider/upstream-model` that is answering. */
  model: string;
  isFallback: boolean;
  parts: AsyncIterable<LanguageModelV3StreamPart>;
  /** Request settings the provider could not honour and dropped (e.g. `max_tokens` on the subscription). */
  warnings: SharedV3Warning[];
  /** Milliseconds spent waiting on upstreams before the first output part (catalogue, refresh, first token). */
  upstreamWaitMs: number;
};

/** A request's planned route and what planning it cost; opaque to callers, who only hand it back. */
export type PlannedRoute = { upstreams: UserUpstreams; plan: RouteStep[]; upstreamWaitMs: number };

type UserUpstreams = {
  chatgpt: ConnectionRow | null;
  openai: ApiCredentialRow | null;
  gemini: ApiCredentialRow | null;
  /** A Google account connected with the user's own OAuth client; used for Gemini when no key is saved. */
  google: { id: string; state: 'connected' | 'reconnect_required' } | null;
};

/** Rate-limit snapshots equal to the stored one are written again only this often (to refresh `rateLimitsAt`). */
const RATE_LIMITS_REWRITE_MS = 60_000;

const updateRateLimits = preparedQuery((db) =>
  db
    .update(connections)
    // Raw driver values (the snapshot as JSON text, the time in ms), as the columns store them.
    .set({ rateLimits: sql`${sql.placeholder('rateLimits')}`, rateLimitsAt: sql`${sql.placeholder('rateLimitsAt')}` })
    .where(eq(connections.id, sql.placeholder('id')))
    .prepare(),
);

/**
 * Entries each of the gateway's small in-process caches keeps (chat models, keys in clear, rate-limit snapshots): a
 * handful per user covers every model they switch between on a home gateway.
 */
const CACHE_SIZE = 64;

/** Catalogue entries of one provider from its model listing (any of the three listing shapes). */
function toCatalogueEntries(
  provider: ProviderName,
  models: readonly {
    id: string;
    displayName?: string | null | undefined;
    reasoningEfforts?: readonly string[] | null;
  }[],
): CatalogueEntry[] {
  return models.map((model) => ({
    provider,
    upstreamId: model.id,
    displayName: model.displayName ?? model.id,
    reasoningEfforts: model.reasoningEfforts ?? [],
  }));
}

/**
 * Used when the Codex model list cannot be read or comes back empty; the live catalogue always wins. The visible
 * models of the catalogue bundled in the newest official client we verified against (0.169.0, docs/codex-protocol.md
 * §10), so that a request for a current model still reaches the backend, which has the final word.
 */
const CHATGPT_FALLBACK_CATALOGUE = toCatalogueEntries(
  'chatgpt',
  [
    'gpt-6-astra',
    'gpt-6.1-sol',
    'gpt-6.1-terra',
    'gpt-6-sol',
    'gpt-6-luna',
    'gpt-5.6-sol',
    'gpt-5.6-terra',
    'gpt-5.6-luna',
    'gpt-daybreak-blue-latest',
    'gpt-daybreak-red-latest',
    'gpt-5.5',
  ].map((id) => ({ id })),
);

/**
 * Where a note-app (or OpenAI-compatible) request becomes an answer: read the user's settings, connections and
 * keys, plan the route (pure, per request), then run the plan — falling over to the next step only while nothing
 * has reached the client yet. Holds only app-lifetime things: the token manager and the catalogue cache.
 */
export class AiGateway {
  readonly #context: ConnectionsContext;
  readonly #tokens: ChatgptTokenManager;
  readonly #googleTokens: GoogleTokenManager;
  readonly #settings: AiGatewaySettings;
  readonly #catalogues: ModelCatalogueCache;
  readonly #log: { warn: (object: object, message: string) => void };
  /** Chat models of saved OpenAI-compatible keys (see `#apiKeyChatModel`). */
  readonly #apiKeyModels = new LruMap<string, LanguageModelV3>(CACHE_SIZE);
  /** The rate-limit snapshot last written per connection (see `#storeRateLimits`). */
  readonly #storedRateLimits = new LruMap<string, { json: string; at: number }>(CACHE_SIZE);
  /** Saved keys in clear (see `#apiKey`). */
  readonly #apiKeys = new LruMap<string, string>(CACHE_SIZE);
  /** The Gemini API's versioned base: config holds the host (GATEWAY_GEMINI_API_URL), requests go to `/v1beta/…`. */
  readonly #geminiBaseUrl: string;

  constructor(options: {
    context: ConnectionsContext;
    tokenManager: ChatgptTokenManager;
    googleTokens: GoogleTokenManager;
    settings: AiGatewaySettings;
    log: { warn: (object: object, message: string) => void };
  }) {
    this.#context = options.context;
    this.#tokens = options.tokenManager;
    this.#googleTokens = options.googleTokens;
    this.#settings = options.settings;
    this.#catalogues = new ModelCatalogueCache({ now: options.context.now });
    this.#log = options.log;
    this.#geminiBaseUrl = `${options.settings.geminiApiUrl.replace(/\/+$/, '')}/v1beta`;
  }

  /** Starts a note-app answer. Throws (before any byte) when no step of the plan could start. */
  async startChat(options: {
    userId: string;
    request: AiRequest;
    abortSignal: AbortSignal;
    log?: UpstreamLog | undefined;
  }): Promise<StartedChat> {
    const { userId, request } = options;
    const feature = request.feature == null ? null : findFeature(this.#context, { userId, name: request.feature });
    const prompt = buildPrompt(request, request.system == null ? (feature?.prompt ?? null) : null);
    return this.startModelStream({
      userId,
      requestedModel: request.model ?? feature?.model ?? null,
      call: { prompt },
      reasoningEffort: request.reasoning?.effort,
      clientConversationId: request.conversationId,
      abortSignal: options.abortSignal,
      log: options.log,
    });
  }

  /**
   * Starts any answer (note-app or OpenAI-compatible): plans the route for this user and request, then tries each
   * step until one produced its first output part. `requestedModel` null means the user's default model.
   */
  async startModelStream(options: {
    userId: string;
    requestedModel: string | null;
    call: Omit<LanguageModelV3CallOptions, 'abortSignal' | 'providerOptions'>;
    reasoningEffort?: string | undefined;
    clientConversationId?: string | undefined;
    abortSignal: AbortSignal;
    /** A route already planned for this request (`forwardResponses` hands it back), so it is not planned twice. */
    route?: PlannedRoute | undefined;
    log?: UpstreamLog | undefined;
  }): Promise<StartedChat> {
    const { userId } = options;
    const { upstreams, plan, ...route } = options.route ?? (await this.#planRoute(userId, options.requestedModel));
    // Time spent waiting on upstreams (model lists, token refresh, the first output), to report the gateway's own.
    let upstreamWaitMs = route.upstreamWaitMs;
    const conversationId = deriveConversationId({
      userId,
      prompt: options.call.prompt,
      clientConversationId: options.clientConversationId,
    });

    let lastError: unknown;
    for (const [index, step] of plan.entries()) {
      const stepStartedAt = performance.now();
      try {
        const model = this.#createModel({ userId, step, upstreams, conversationId, log: options.log });
        const { stream } = await model.doStream({
          ...options.call,
          abortSignal: options.abortSignal,
          ...(options.reasoningEffort == null
            ? {}
            : { providerOptions: reasoningOptions(step.provider, options.reasoningEffort) }),
        });
        const { parts, warnings } = await peekFirstOutput(stream);
        upstreamWaitMs += performance.now() - stepStartedAt;
        return {
          upstreamWaitMs,
          provider: step.provider,
          model: `${step.provider}/${step.upstreamModel}`,
          isFallback: step.isFallback,
          parts,
          warnings,
        };
      } catch (error) {
        upstreamWaitMs += performance.now() - stepStartedAt;
        lastError = error;
        if (options.abortSignal.aborted) throw error;
        const hasNext = index < plan.length - 1;
        if (!hasNext || !isFallbackWorthy(error)) throw error;
        this.#log.warn(
          { provider: step.provider, next: plan[index + 1]?.provider, reason: describeUpstreamError(error)?.code },
          'falling back to the next provider before the first byte',
        );
      }
    }
    throw lastError;
  }

  /**
   * Embeds texts with a provider that has embeddings: an OpenAI-compatible key, else Gemini (key or Google account).
   * The ChatGPT subscription has none, so without those the answer is a 501 that says what to connect.
   */
  async embed(options: {
    userId: string;
    model: string;
    values: string[];
    dimensions?: number | undefined;
    abortSignal: AbortSignal;
  }): Promise<{ model: string; embeddings: number[][]; tokens: number | undefined }> {
    const upstreams = this.#loadUpstreams(options.userId);
    const explicit = splitProviderModel(options.model);
    const hasGemini = upstreams.gemini != null || upstreams.google != null;
    const provider = explicit?.provider ?? (upstreams.openai != null ? 'openai' : hasGemini ? 'gemini' : null);
    const upstreamModel = explicit?.upstreamModel ?? options.model;
    const isAvailable = provider === 'openai' ? upstreams.openai != null : provider === 'gemini' && hasGemini;
    if (provider == null || !isAvailable) {
      const asked = provider === 'chatgpt' ? ' The ChatGPT subscription has no embeddings.' : '';
      throw new GatewayError(
        'embeddings_unavailable',
        `No connection that makes embeddings is set up for "${options.model}".${asked} Add an OpenAI-compatible ` +
          'API key (OpenAI, Ollama, LM Studio…) or a Gemini API key under Settings → API keys for providers.',
        { param: 'model' },
      );
    }
    const model =
      provider === 'openai' && upstreams.openai != null
        ? createOpenAiCompatibleEmbeddingModel({
            baseUrl: upstreams.openai.baseUrl ?? '',
            apiKey: readApiKey(this.#context, upstreams.openai),
            modelId: upstreamModel,
            fetch: this.#settings.fetch,
            providerName: 'openai',
          })
        : createGeminiEmbeddingModel({
            baseUrl: this.#geminiBaseUrl,
            modelId: upstreamModel,
            fetch: this.#settings.fetch,
            auth: this.#geminiAuth(options.userId, upstreams),
          });
    const dimensions = options.dimensions;
    const result = await model.doEmbed({
      values: options.values,
      abortSignal: options.abortSignal,
      ...(dimensions == null
        ? {}
        : {
            providerOptions:
              provider === 'openai' ? { openai: { dimensions } } : { google: { outputDimensionality: dimensions } },
          }),
    });
    return { model: `${provider}/${upstreamModel}`, embeddings: result.embeddings, tokens: result.usage?.tokens };
  }

  /**
   * Relays a Responses request to the Codex backend as faithfully as it allows (`/v1/responses`), returning the
   * upstream's SSE response to re-emit as is. Only the subscription speaks the Responses protocol natively here:
   * null when the model routes elsewhere (the caller converts through `startModelStream` then).
   */
  async forwardResponses(options: {
    userId: string;
    request: ResponsesRequest;
    abortSignal: AbortSignal;
    log?: UpstreamLog | undefined;
  }): Promise<
    | {
        kind: 'relayed';
        model: string;
        response: UpstreamResponse;
        dropped: string[];
        url: string;
        upstreamWaitMs: number;
      }
    | { kind: 'translate'; route: PlannedRoute }
  > {
    const { userId, request } = options;
    const route = await this.#planRoute(userId, request.model);
    const { upstreams } = route;
    let { upstreamWaitMs } = route;
    // The relay has no fallback (nothing to fall back to speaks Responses); the first step decides the path.
    const [step] = route.plan;
    if (step == null || step.provider !== 'chatgpt') return { kind: 'translate', route };
    const firstItem = typeof request.input === 'string' ? request.input : JSON.stringify(request.input[0] ?? null);
    const conversationId = deriveConversationId({
      userId,
      prompt: [],
      clientConversationId: request.prompt_cache_key ?? `${request.instructions ?? ''}\0${firstItem}`,
    });
    const { body, dropped } = toCodexResponsesBody(request, { upstreamModel: step.upstreamModel, conversationId });
    const forwardStartedAt = performance.now();
    const response = await forwardCodexResponses({
      settings: this.#codexSettings({
        userId,
        upstreams,
        modelId: step.upstreamModel,
        conversationId,
        log: options.log,
      }),
      body,
      abortSignal: options.abortSignal,
    });
    upstreamWaitMs += performance.now() - forwardStartedAt;
    return {
      kind: 'relayed',
      model: `chatgpt/${step.upstreamModel}`,
      response,
      dropped,
      url: `${this.#settings.chatgptBackendUrl}/codex/responses`,
      upstreamWaitMs,
    };
  }

  /**
   * Relays a Chat Completions request to the user's OpenAI-compatible key as it is (`/v1/chat/completions`), when
   * that key is the whole route: the same protocol on both sides, so the answer needs no translation, only the
   * gateway's model name (the caller's job, on the unread answer returned here). Any other route — the
   * subscription, Gemini, a plan with fallbacks — is handed back planned, for `startModelStream`.
   */
  async forwardChatCompletions(options: {
    userId: string;
    request: ChatCompletionRequest;
    abortSignal: AbortSignal;
  }): Promise<
    | { kind: 'relayed'; model: string; forwarded: ForwardedChat; upstreamWaitMs: number }
    | { kind: 'translate'; route: PlannedRoute }
  > {
    const route = await this.#planRoute(options.userId, options.request.model);
    const [step, ...fallbacks] = route.plan;
    const row = route.upstreams.openai;
    if (step?.provider !== 'openai' || fallbacks.length > 0 || row == null) {
      return { kind: 'translate', route };
    }
    const forwardStartedAt = performance.now();
    const forwarded = await forwardOpenAiCompatibleChat({
      baseUrl: row.baseUrl ?? '',
      apiKey: this.#apiKey(options.userId, row),
      body: toUpstreamChatBody(options.request, step.upstreamModel),
      abortSignal: options.abortSignal,
      fetch: this.#settings.fetch,
    });
    return {
      kind: 'relayed',
      model: `openai/${step.upstreamModel}`,
      forwarded,
      upstreamWaitMs: route.upstreamWaitMs + (performance.now() - forwardStartedAt),
    };
  }

  /**
   * Plans a request's route from the user's settings, connections and (cached) catalogue: the one planning step of
   * both `startModelStream` and `forwardResponses`. `requestedModel` null means the user's default model.
   */
  async #planRoute(userId: string, requestedModel: string | null): Promise<PlannedRoute> {
    const settings = getUserSettings(this.#context, userId);
    const upstreams = this.#loadUpstreams(userId);
    const catalogueStartedAt = performance.now();
    const catalogue = await this.#catalogue(userId, upstreams);
    const upstreamWaitMs = performance.now() - catalogueStartedAt;
    const plan = resolveRoutePlan({
      requestedModel: requestedModel ?? settings.defaultModel ?? null,
      catalogue,
      availability: toAvailability(upstreams),
      settings: {
        fallbackToApiKeys: settings.fallbackToApiKeys,
        fallbackModel: settings.fallbackModel,
        fallbackProviders: settings.fallbackProviders,
      },
    });
    return { upstreams, plan, upstreamWaitMs };
  }

  /** The user's merged model catalogue (subscription first), for `GET /api/ai/models` and `/v1/models`. */
  async listModels(userId: string): Promise<ModelEntry[]> {
    const entries = await this.#catalogue(userId, this.#loadUpstreams(userId));
    return entries.map((entry) => ({
      id: `${entry.provider}/${entry.upstreamId}`,
      provider: entry.provider,
      upstreamId: entry.upstreamId,
      displayName: entry.displayName,
      reasoningEfforts: [...entry.reasoningEfforts],
    }));
  }

  /** Proves a key works with a cheap upstream call (listing models) before it is saved. */
  readonly validateApiKey: ApiKeyValidator = async (credential) => {
    try {
      if (credential.provider === 'openai') {
        await listOpenAiCompatibleModels({
          baseUrl: credential.baseUrl ?? '',
          apiKey: credential.apiKey,
          fetch: this.#settings.fetch,
        });
      } else {
        await listGeminiModels({
          baseUrl: this.#geminiBaseUrl,
          auth: { apiKey: credential.apiKey },
          fetch: this.#settings.fetch,
        });
      }
    } catch (error) {
      const where = credential.provider === 'openai' ? credential.baseUrl : 'the Gemini API';
      const reason = describeUpstreamError(error)?.message ?? (error as Error).message;
      throw new GatewayError('invalid_upstream_key', `The key did not work with ${where}: ${reason}`, { cause: error });
    }
  };

  /** Forgets cached catalogues of a user whose keys or connections changed. */
  forgetUser(userId: string): void {
    this.#catalogues.forget(`${userId}:`);
    this.#apiKeyModels.deleteWhere((key) => key.startsWith(`${userId}\0`));
    this.#apiKeys.deleteWhere((key) => key.startsWith(`${userId}\0`));
    this.#storedRateLimits.deleteWhere((key) => key.startsWith(`${userId}\0`));
  }

  /**
   * The chat model for a saved OpenAI-compatible key, reused across requests: building one decrypts the key and
   * compiles the AI SDK's response schemas, which cost more than the rest of a request's own work. The row is still
   * read on every request, and the cache key holds its ciphertext and base URL, so a key replaced or removed
   * anywhere (settings, CLI, another process) is never answered by the old model. Models keep no per-call state.
   */
  #apiKeyChatModel(options: { userId: string; row: ApiCredentialRow; modelId: string }): LanguageModelV3 {
    const { userId, row, modelId } = options;
    const key = `${userId}\0${row.id}\0${row.keyCiphertext}\0${row.baseUrl ?? ''}\0${modelId}`;
    const cached = this.#apiKeyModels.get(key);
    if (cached != null) return cached;
    const model = createOpenAiCompatibleChatModel({
      baseUrl: row.baseUrl ?? '',
      apiKey: this.#apiKey(userId, row),
      modelId,
      fetch: this.#settings.fetch,
      providerName: 'openai',
    });
    this.#apiKeyModels.set(key, model);
    return model;
  }

  /**
   * A saved key in clear, kept like the chat models above (which hold it too): decrypting costs tens of
   * microseconds, a tenth of a relayed request's own time. Keyed by the ciphertext, so a replaced key is decrypted
   * afresh and a removed one is never read again (the row is read on every request).
   */
  #apiKey(userId: string, row: ApiCredentialRow): string {
    const key = `${userId}\0${row.id}\0${row.keyCiphertext}`;
    const cached = this.#apiKeys.get(key);
    if (cached != null) return cached;
    const apiKey = readApiKey(this.#context, row);
    this.#apiKeys.set(key, apiKey);
    return apiKey;
  }

  #loadUpstreams(userId: string): UserUpstreams {
    const chatgpt = selectChatgptConnection(this.#context.db).get({ userId }) ?? null;
    const credentials = listApiCredentialRows(this.#context, userId);
    const google = this.#googleTokens.findConnection(userId);
    return {
      chatgpt,
      openai: credentials.find((row) => row.provider === 'openai') ?? null,
      gemini: credentials.find((row) => row.provider === 'gemini') ?? null,
      google: google == null ? null : { id: google.id, state: google.state },
    };
  }

  async #catalogue(userId: string, upstreams: UserUpstreams): Promise<CatalogueEntry[]> {
    const lists: Promise<CatalogueEntry[]>[] = [];
    const { chatgpt, openai, gemini } = upstreams;
    if (chatgpt != null && chatgpt.state === 'connected') {
      lists.push(
        this.#catalogues.get({
          key: `${userId}:chatgpt:${chatgpt.id}:${chatgpt.accountId}`,
          provider: 'chatgpt',
          load: async () => {
            const token = await this.#tokens.getAccessToken(userId);
            const models = await listCodexModels({
              baseUrl: this.#settings.chatgptBackendUrl,
              fetch: this.#settings.fetch,
              accessToken: token.accessToken,
              accountId: token.accountId,
              clientVersion: this.#settings.clientVersion,
              originator: this.#settings.originator,
              userAgent: this.#settings.userAgent,
            });
            const visible = models.filter((model) => model.visibility !== 'hide');
            // No model at all is an answer we cannot route by: the fallback list, and read again soon.
            if (visible.length === 0) throw new Error('the Codex model list has no visible model');
            return toCatalogueEntries(
              'chatgpt',
              visible.map((model) => ({
                ...model,
                id: model.slug,
                reasoningEfforts: model.supportedReasoningLevels,
              })),
            );
          },
          fallback: (error) => {
            this.#log.warn({ err: error }, 'could not list ChatGPT models; using the built-in fallback list');
            return CHATGPT_FALLBACK_CATALOGUE;
          },
        }),
      );
    } else if (chatgpt != null) {
      // Reconnect required: still list what it had, so explicit requests get the clear reconnect error.
      lists.push(Promise.resolve(CHATGPT_FALLBACK_CATALOGUE));
    }
    for (const row of [openai, gemini]) {
      if (row == null) continue;
      lists.push(
        this.#catalogues.get({
          key: `${userId}:${row.provider}:${row.id}:${row.updatedAt.getTime()}`,
          provider: row.provider,
          load: async () => {
            const apiKey = readApiKey(this.#context, row);
            const models =
              row.provider === 'openai'
                ? await listOpenAiCompatibleModels({
                    baseUrl: row.baseUrl ?? '',
                    apiKey,
                    fetch: this.#settings.fetch,
                  })
                : await listGeminiModels({
                    baseUrl: this.#geminiBaseUrl,
                    auth: { apiKey },
                    fetch: this.#settings.fetch,
                  });
            const chatModels =
              row.provider === 'openai'
                ? models.filter((model) => isChatModelId(model.id))
                : models.filter((model) => !('supportsChat' in model) || model.supportsChat);
            return toCatalogueEntries(row.provider, chatModels);
          },
          fallback: (error) => {
            this.#log.warn(
              { err: error, provider: row.provider },
              'could not list models; explicit provider/model ids still work',
            );
            return [];
          },
        }),
      );
    }
    const { google } = upstreams;
    if (gemini == null && google != null && google.state === 'connected') {
      lists.push(
        this.#catalogues.get({
          key: `${userId}:gemini-oauth:${google.id}`,
          provider: 'gemini',
          load: async () => {
            const models = await listGeminiModels({
              baseUrl: this.#geminiBaseUrl,
              auth: { getAccessToken: () => this.#googleTokens.getAccessToken(userId) },
              fetch: this.#settings.fetch,
            });
            return toCatalogueEntries(
              'gemini',
              models.filter((model) => model.supportsChat),
            );
          },
          fallback: (error) => {
            this.#log.warn({ err: error }, 'could not list Gemini models with the Google account');
            return [];
          },
        }),
      );
    }
    return (await Promise.all(lists)).flat();
  }

  #createModel(options: {
    userId: string;
    step: RouteStep;
    upstreams: UserUpstreams;
    conversationId: string;
    log: UpstreamLog | undefined;
  }): LanguageModelV3 {
    const { userId, step, upstreams } = options;
    switch (step.provider) {
      case 'chatgpt':
        return createCodexChatModel(
          this.#codexSettings({
            userId,
            upstreams,
            modelId: step.upstreamModel,
            conversationId: options.conversationId,
            log: options.log,
          }),
        );
      case 'openai': {
        const row = upstreams.openai;
        if (row == null) throw new GatewayError('no_provider', 'No OpenAI-compatible API key is saved.');
        return this.#apiKeyChatModel({ userId, row, modelId: step.upstreamModel });
      }
      case 'gemini':
        return createGeminiChatModel({
          baseUrl: this.#geminiBaseUrl,
          modelId: step.upstreamModel,
          fetch: this.#settings.fetch,
          auth: this.#geminiAuth(userId, upstreams),
        });
      default:
        step.provider satisfies never;
        throw new TypeError(`unknown provider ${String(step.provider)}`);
    }
  }

  /** How to reach the Codex backend for this user: their tokens (refreshed on demand), our honest identity. */
  #codexSettings(options: {
    userId: string;
    upstreams: UserUpstreams;
    modelId: string;
    conversationId: string;
    log: UpstreamLog | undefined;
  }): CodexChatModelSettings {
    const { userId, upstreams } = options;
    return {
      modelId: options.modelId,
      baseUrl: this.#settings.chatgptBackendUrl,
      ...(this.#settings.fetch == null ? {} : { fetch: this.#settings.fetch }),
      conversationId: options.conversationId,
      originator: this.#settings.originator,
      userAgent: this.#settings.userAgent,
      firstByteTimeoutMs: this.#settings.firstByteTimeoutMs,
      onRetry: (retry) =>
        (options.log ?? this.#log).warn(
          { upstreamRetry: { provider: 'chatgpt', model: options.modelId, ...retry } },
          'retrying the upstream before the first byte',
        ),
      getCredentials: ({ rejectedAccessToken }) =>
        this.#tokens.getAccessToken(userId, rejectedAccessToken == null ? {} : { rejectedAccessToken }),
      onRateLimits: (snapshot) => this.#storeRateLimits(upstreams.chatgpt, snapshot),
    };
  }

  /** The saved key, else the connected Google account's bearer (fetched per request, so refreshes are picked up). */
  #geminiAuth(userId: string, upstreams: UserUpstreams): GeminiAuth {
    if (upstreams.gemini != null) return { apiKey: readApiKey(this.#context, upstreams.gemini) };
    if (upstreams.google != null) {
      return { getAccessToken: (options) => this.#googleTokens.getAccessToken(userId, options) };
    }
    throw new GatewayError('no_provider', 'No Gemini API key is saved and no Google account is connected.');
  }

  /**
   * Keeps the subscription's latest reported limits on its connection, for the settings page and `usage`. Every
   * Codex answer reports them and they rarely change between two answers, so an unchanged snapshot is not written
   * again within a minute: that write was the largest single cost of a subscription request (issue 7 profile).
   */
  #storeRateLimits(connection: ConnectionRow | null, snapshot: unknown): void {
    if (connection == null) return;
    const json = JSON.stringify(snapshot);
    const now = this.#context.now();
    const key = `${connection.userId}\0${connection.id}`;
    const last = this.#storedRateLimits.get(key);
    if (last != null && last.json === json && now - last.at < RATE_LIMITS_REWRITE_MS) return;
    updateRateLimits(this.#context.db).run({ id: connection.id, rateLimits: json, rateLimitsAt: now });
    this.#storedRateLimits.set(key, { json, at: now });
  }
}

function toAvailability(upstreams: UserUpstreams): ProviderAvailability {
  return {
    chatgpt: upstreams.chatgpt == null ? null : { state: upstreams.chatgpt.state },
    openai: upstreams.openai == null ? null : { baseUrl: upstreams.openai.baseUrl ?? '' },
    gemini: upstreams.gemini != null ? { kind: 'api-key' } : upstreams.google != null ? { kind: 'oauth' } : null,
  };
}

/** Reasoning effort in each provider's own option namespace. */
function reasoningOptions(provider: ProviderName, effort: string): SharedV3ProviderOptions {
  switch (provider) {
    case 'chatgpt':
      return { codex: { reasoningEffort: effort } };
    case 'openai':
      return { openai: { reasoningEffort: effort } };
    case 'gemini':
      return { google: { thinkingConfig: { includeThoughts: true } } };
  }
}
