import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import type { Dispatcher } from 'undici';
import type { FetchFunction } from '../common/fetch-function.ts';
import { lazyEmbeddingModel, once } from '../common/lazy-model.ts';
import { wrapEmbeddingModel } from '../common/wrap-language-model.ts';
import { OpenAiCompatibleChatModel } from './openai-compatible-chat-model.ts';
import { toOpenAiProviderError } from './openai-error.ts';

export type OpenAiCompatibleSettings = {
  /** e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  apiKey: string;
  modelId: string;
  fetch?: FetchFunction | undefined;
  /**
   * The undici connection pool the chat model sends through when no `fetch` is given (the gateway's, whose outbound
   * policy checks every address). Embeddings go through `fetch` only.
   */
  dispatcher?: Dispatcher | undefined;
  /** Names the upstream in errors, `provider` and `providerMetadata` (e.g. `openai`, `openrouter`). */
  providerName: string;
  headers?: Record<string, string>;
};

/** The AI SDK's OpenAI-compatible provider (its embedding model), imported by the first call (common/lazy-model.ts). */
const importSdk = once(() => import('@ai-sdk/openai-compatible'));

async function createProvider(settings: OpenAiCompatibleSettings) {
  const { createOpenAICompatible } = await importSdk();
  return createOpenAICompatible({
    name: settings.providerName,
    baseURL: settings.baseUrl.replace(/\/+$/, ''),
    apiKey: settings.apiKey,
    ...(settings.headers != null ? { headers: settings.headers } : {}),
    ...(settings.fetch != null ? { fetch: settings.fetch } : {}),
  });
}

/**
 * A chat model on any OpenAI-compatible `/chat/completions` API, with our error classes and stream contract: ours,
 * written from the protocol (openai-compatible-chat-model.ts, docs/openai-compatible-protocol.md).
 */
export function createOpenAiCompatibleChatModel(settings: OpenAiCompatibleSettings): LanguageModelV3 {
  return new OpenAiCompatibleChatModel(settings);
}

/** An embedding model on an OpenAI-compatible `/embeddings` API. */
export function createOpenAiCompatibleEmbeddingModel(settings: OpenAiCompatibleSettings): EmbeddingModelV3 {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/embeddings`;
  return wrapEmbeddingModel({
    model: lazyEmbeddingModel({
      // The SDK names its models `{name}.embedding`.
      provider: `${settings.providerName}.embedding`,
      modelId: settings.modelId,
      load: async () => (await createProvider(settings)).embeddingModel(settings.modelId),
    }),
    toProviderError: (error) => toOpenAiProviderError(error, { url }),
  });
}
