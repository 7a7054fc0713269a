import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import type { FetchFunction } from '../common/fetch-function.ts';
import { lazyEmbeddingModel, lazyLanguageModel, once } from '../common/lazy-model.ts';
import { wrapEmbeddingModel, wrapLanguageModel } from '../common/wrap-language-model.ts';
import { convertGeminiUsage } from './convert-gemini-usage.ts';
import { createGeminiFetch, type GeminiAuth, OAUTH_PLACEHOLDER_API_KEY } from './gemini-auth.ts';
import { toGeminiProviderError } from './gemini-error.ts';

export type GeminiSettings = {
  /** Including the API version: `https://generativelanguage.googleapis.com/v1beta`. */
  baseUrl: string;
  modelId: string;
  fetch?: FetchFunction;
  auth: GeminiAuth;
};

/** The AI SDK's Google provider, imported by the first call to a Gemini model (common/lazy-model.ts). */
const importSdk = once(() => import('@ai-sdk/google'));
/** The SDK's own name for its Gemini models, given to it so the two cannot differ. */
const PROVIDER = 'google.generative-ai';

async function createProvider(settings: GeminiSettings) {
  const { createGoogleGenerativeAI } = await importSdk();
  return createGoogleGenerativeAI({
    name: PROVIDER,
    baseURL: settings.baseUrl.replace(/\/+$/, ''),
    apiKey: 'apiKey' in settings.auth ? settings.auth.apiKey : OAUTH_PLACEHOLDER_API_KEY,
    fetch: createGeminiFetch({ auth: settings.auth, fetch: settings.fetch }),
  });
}

/**
 * A Gemini chat model via `@ai-sdk/google`, with our error classes and stream contract. Thought signatures come back
 * in `providerMetadata.google.thoughtSignature`; pass them back as `providerOptions` on the same parts and the SDK
 * resends the model turn with them (Gemini 3 rejects function calls without their signature).
 */
export function createGeminiChatModel(settings: GeminiSettings): LanguageModelV3 {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/models/${settings.modelId}:streamGenerateContent`;
  return wrapLanguageModel({
    truncatedStreamUrl: url,
    model: lazyLanguageModel({
      provider: PROVIDER,
      modelId: settings.modelId,
      load: async () => (await createProvider(settings)).languageModel(settings.modelId),
    }),
    toProviderError: (error) => toGeminiProviderError(error, { url }),
    mapUsage: (usage) => convertGeminiUsage(usage.raw),
  });
}

export function createGeminiEmbeddingModel(settings: GeminiSettings): EmbeddingModelV3 {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/models/${settings.modelId}:batchEmbedContents`;
  return wrapEmbeddingModel({
    model: lazyEmbeddingModel({
      provider: PROVIDER,
      modelId: settings.modelId,
      load: async () => (await createProvider(settings)).embeddingModel(settings.modelId),
    }),
    toProviderError: (error) => toGeminiProviderError(error, { url }),
  });
}
