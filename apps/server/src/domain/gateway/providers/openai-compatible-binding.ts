import {
  createOpenAiCompatibleChatModel,
  createOpenAiCompatibleEmbeddingModel,
  type LanguageModelV3,
  listOpenAiCompatibleModels,
} from '@pag/providers';
import type { Dispatcher } from 'undici';
import type { ConnectionsContext } from '../../connections/connections-context.ts';
import { readApiKey } from '../../credentials/list-api-credentials.ts';
import type { ApiCredentialRow } from '../../credentials/to-api-credential-dto.ts';
import { LruMap } from '../../lru-map.ts';
import type { OutboundPolicy } from '../../outbound/outbound-policy.ts';
import { isChatModelId } from '../is-chat-model-id.ts';
import type { ProviderBinding, UpstreamLog } from './provider-binding.ts';
import { toCatalogueEntries } from './to-catalogue-entries.ts';

export type OpenAiCompatibleBinding = ProviderBinding<ApiCredentialRow> & {
  /** Where a request relayed in the OpenAI protocol goes: the key's base URL, the key in clear, the transport. */
  relayTarget(
    userId: string,
    row: ApiCredentialRow,
  ): { baseUrl: string; apiKey: string; fetch: typeof fetch | undefined; dispatcher: Dispatcher | undefined };
};

/**
 * Entries each of the binding's in-process caches keeps (chat models, keys in clear): a handful per user covers
 * every model they switch between on a home gateway.
 */
const CACHE_SIZE = 64;

/**
 * A saved OpenAI-compatible key (OpenAI, OpenRouter, Ollama, LM Studio…): its `/models` (chat models only), chat
 * and embedding models on its base URL, reasoning as `reasoningEffort`, and the key checked by listing models.
 */
export function createOpenAiCompatibleBinding(options: {
  context: ConnectionsContext;
  /** Injected by tests; otherwise every request goes through the outbound policy's connection pool. */
  fetch?: typeof fetch | undefined;
  /** The base URL is the user's: checked on save and on every connection (domain/outbound). */
  outbound: OutboundPolicy;
  log: UpstreamLog;
}): OpenAiCompatibleBinding {
  const { context, log, outbound } = options;
  const fetch = options.fetch ?? outbound.fetch;
  /**
   * How the relay and the chat model reach the upstream: undici's `request` on the policy's pool (see postUpstream),
   * unless a test injects fetch.
   */
  const transport = () => ({
    fetch: options.fetch,
    dispatcher: options.fetch == null ? outbound.dispatcher : undefined,
  });
  /** Chat models of saved keys (see `chatModel`). */
  const chatModels = new LruMap<string, LanguageModelV3>(CACHE_SIZE);
  /** Saved keys in clear (see `apiKey`). */
  const apiKeys = new LruMap<string, string>(CACHE_SIZE);

  /**
   * A saved key in clear, kept like the chat models below (which hold it too): decrypting costs tens of
   * microseconds, a tenth of a relayed request's own time. Keyed by the ciphertext, so a replaced key is decrypted
   * afresh and a removed one is never read again (every request gets the current row, from the request cache).
   */
  const apiKey = (userId: string, row: ApiCredentialRow): string => {
    const key = `${userId}\0${row.id}\0${row.keyCiphertext}`;
    const cached = apiKeys.get(key);
    if (cached != null) return cached;
    const clear = readApiKey(context, row);
    apiKeys.set(key, clear);
    return clear;
  };

  /**
   * The chat model for a saved key, reused across requests: building one decrypts the key. Its requests go through
   * undici's `request` on the policy's pool, as the relay's (`relayTarget`). Every request still gets the
   * current row (the request cache drops it when it changes), and the cache key holds its ciphertext and base URL,
   * so a key replaced or removed anywhere (settings, CLI, another process) is never answered by the old model.
   * Models keep no per-call state.
   */
  const chatModel = (userId: string, row: ApiCredentialRow, modelId: string): LanguageModelV3 => {
    const key = `${userId}\0${row.id}\0${row.keyCiphertext}\0${row.baseUrl ?? ''}\0${modelId}`;
    const cached = chatModels.get(key);
    if (cached != null) return cached;
    const model = createOpenAiCompatibleChatModel({
      baseUrl: row.baseUrl ?? '',
      apiKey: apiKey(userId, row),
      modelId,
      ...transport(),
      providerName: 'openai',
    });
    chatModels.set(key, model);
    return model;
  };

  return {
    name: 'openai',
    label: 'OpenAI-compatible API key',
    load: async (records) => (await records.apiCredentials()).find((row) => row.provider === 'openai') ?? null,
    availability: (row) => ({ baseUrl: row.baseUrl ?? '' }),
    catalogue: (userId, row) => ({
      key: `${userId}:openai:${row.id}:${row.updatedAt.getTime()}`,
      load: async () => {
        const models = await listOpenAiCompatibleModels({
          baseUrl: row.baseUrl ?? '',
          apiKey: readApiKey(context, row),
          fetch,
        });
        return toCatalogueEntries(
          'openai',
          models.filter((model) => isChatModelId(model.id)),
        );
      },
      fallback: (error) => {
        log.warn({ err: error, provider: 'openai' }, 'could not list models; explicit provider/model ids still work');
        return [];
      },
    }),
    createChatModel: ({ userId, upstream, modelId }) => chatModel(userId, upstream, modelId),
    reasoningOptions: (effort) => ({ openai: { reasoningEffort: effort } }),
    embeddings: {
      // OpenAI's small current model; a local server (Ollama, LM Studio) is asked for one by name instead.
      defaultModel: 'text-embedding-3-small',
      createModel: ({ userId, upstream, modelId }) =>
        createOpenAiCompatibleEmbeddingModel({
          baseUrl: upstream.baseUrl ?? '',
          apiKey: apiKey(userId, upstream),
          modelId,
          fetch,
          providerName: 'openai',
        }),
      dimensionsOptions: (dimensions) => ({ openai: { dimensions } }),
    },
    validateKey: async (credential) => {
      await outbound.checkUrl(credential.baseUrl ?? '');
      await listOpenAiCompatibleModels({ baseUrl: credential.baseUrl ?? '', apiKey: credential.apiKey, fetch });
    },
    relayTarget: (userId, row) => ({ baseUrl: row.baseUrl ?? '', apiKey: apiKey(userId, row), ...transport() }),
    forgetUser: (userId) => {
      chatModels.deleteWhere((key) => key.startsWith(`${userId}\0`));
      apiKeys.deleteWhere((key) => key.startsWith(`${userId}\0`));
    },
  };
}
