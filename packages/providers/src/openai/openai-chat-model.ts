import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import type { FetchFunction } from '../common/fetch-function.ts';
import { lazyEmbeddingModel, lazyLanguageModel, once } from '../common/lazy-model.ts';
import { wrapEmbeddingModel, wrapLanguageModel } from '../common/wrap-language-model.ts';
import { convertOpenAiUsage } from './convert-openai-usage.ts';
import { toOpenAiProviderError } from './openai-error.ts';

export type OpenAiCompatibleSettings = {
  /** e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  apiKey: string;
  modelId: string;
  fetch?: FetchFunction;
  /** Names the upstream in errors, `provider` and `providerMetadata` (e.g. `openai`, `openrouter`). */
  providerName: string;
  headers?: Record<string, string>;
};

/** The AI SDK's OpenAI-compatible provider, imported by the first call to such a model (common/lazy-model.ts). */
const importSdk = once(() => import('@ai-sdk/openai-compatible'));

async function createProvider(settings: OpenAiCompatibleSettings) {
  const { createOpenAICompatible } = await importSdk();
  return createOpenAICompatible({
    name: settings.providerName,
    baseURL: settings.baseUrl.replace(/\/+$/, ''),
    apiKey: settings.apiKey,
    ...(settings.headers != null ? { headers: settings.headers } : {}),
    ...(settings.fetch != null ? { fetch: settings.fetch } : {}),
    // Sends stream_options.include_usage so streamed answers end with token counts.
    includeUsage: true,
    convertUsage: convertOpenAiUsage,
    // A call's `responseFormat` schema goes upstream as `response_format: { type: 'json_schema', … }` (strict by
    // default), not as bare `json_object` mode: OpenAI, Ollama and LM Studio all take it.
    supportsStructuredOutputs: true,
  });
}

/** A chat model on any OpenAI-compatible `/chat/completions` API, with our error classes and stream contract. */
export function createOpenAiCompatibleChatModel(settings: OpenAiCompatibleSettings): LanguageModelV3 {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return wrapLanguageModel({
    truncatedStreamUrl: url,
    model: lazyLanguageModel({
      // The SDK names its models `{name}.chat`.
      provider: `${settings.providerName}.chat`,
      modelId: settings.modelId,
      load: async () => (await createProvider(settings)).chatModel(settings.modelId),
    }),
    toProviderError: (error) => toOpenAiProviderError(error, { url }),
  });
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
