import { createAnthropicChatModel, type LanguageModelV3, listAnthropicModels } from '@pag/providers';
import type { ConnectionsContext } from '../../connections/connections-context.ts';
import { readApiKey } from '../../credentials/list-api-credentials.ts';
import type { ApiCredentialRow } from '../../credentials/to-api-credential-dto.ts';
import { LruMap } from '../../lru-map.ts';
import type { ProviderBinding, UpstreamLog } from './provider-binding.ts';
import { toCatalogueEntries } from './to-catalogue-entries.ts';

/** Chat models kept across requests (see `chatModel`): a handful per user covers a home gateway. */
const CACHE_SIZE = 64;

/**
 * Thinking budgets for the gateway's reasoning efforts. Anthropic asks for a token budget, at least 1024 and below
 * `max_tokens` (the AI SDK adds the budget to `max_tokens`); an effort it does not name gets the medium budget.
 * @see docs/anthropic-protocol.md "The Anthropic API as an upstream"
 */
export const ANTHROPIC_THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
};

export type AnthropicBinding = ProviderBinding<ApiCredentialRow> & {
  /** Where a request relayed in Anthropic's own protocol goes: the API base and the key in clear. */
  relayTarget(
    userId: string,
    row: ApiCredentialRow,
  ): { baseUrl: string; apiKey: string; fetch: typeof fetch | undefined };
};

/**
 * A saved Anthropic API key: Claude models from `GET /v1/models`, chat through `@ai-sdk/anthropic`, reasoning as a
 * thinking budget, the key checked by listing models. Paid per token, so never a subscription (route-plan.ts).
 */
export function createAnthropicBinding(options: {
  context: ConnectionsContext;
  /** `GATEWAY_ANTHROPIC_API_URL`: the host; requests go to its versioned base `/v1/…`. */
  apiUrl: string;
  fetch?: typeof fetch | undefined;
  log: UpstreamLog;
}): AnthropicBinding {
  const { context, fetch, log } = options;
  const baseUrl = `${options.apiUrl.replace(/\/+$/, '')}/v1`;
  const chatModels = new LruMap<string, LanguageModelV3>(CACHE_SIZE);

  /**
   * Reused across requests like the OpenAI-compatible binding's (building one decrypts the key); keyed by the
   * ciphertext, so a replaced or removed key is never answered by the old model.
   */
  const chatModel = (userId: string, row: ApiCredentialRow, modelId: string): LanguageModelV3 => {
    const key = `${userId}\0${row.id}\0${row.keyCiphertext}\0${modelId}`;
    const cached = chatModels.get(key);
    if (cached != null) return cached;
    const model = createAnthropicChatModel({ baseUrl, apiKey: readApiKey(context, row), modelId, fetch });
    chatModels.set(key, model);
    return model;
  };

  return {
    name: 'anthropic',
    label: 'Anthropic API key',
    load: async (records) => (await records.apiCredentials()).find((row) => row.provider === 'anthropic') ?? null,
    availability: () => ({ kind: 'api-key' }),
    catalogue: (userId, row) => ({
      key: `${userId}:anthropic:${row.id}:${row.updatedAt.getTime()}`,
      load: async () => {
        const models = await listAnthropicModels({ baseUrl, apiKey: readApiKey(context, row), fetch });
        return toCatalogueEntries(
          'anthropic',
          models.map((model) => ({ ...model, inputModalities: ['text', 'image'] })),
        );
      },
      fallback: (error) => {
        log.warn(
          { err: error, provider: 'anthropic' },
          'could not list models; explicit provider/model ids still work',
        );
        return [];
      },
    }),
    createChatModel: ({ userId, upstream, modelId }) => chatModel(userId, upstream, modelId),
    // `none` asks for no thinking at all; every other effort for a budget.
    reasoningOptions: (effort) => ({
      anthropic: {
        thinking:
          effort === 'none'
            ? { type: 'disabled' }
            : {
                type: 'enabled',
                budgetTokens: ANTHROPIC_THINKING_BUDGETS[effort] ?? ANTHROPIC_THINKING_BUDGETS.medium,
              },
      },
    }),
    validateKey: async (credential) => {
      await listAnthropicModels({ baseUrl, apiKey: credential.apiKey, fetch });
    },
    relayTarget: (_userId, row) => ({ baseUrl, apiKey: readApiKey(context, row), fetch }),
    forgetUser: (userId) => {
      chatModels.deleteWhere((key) => key.startsWith(`${userId}\0`));
    },
  };
}
