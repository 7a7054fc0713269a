import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { FetchFunction } from '../common/fetch-function.ts';
import { lazyLanguageModel, once } from '../common/lazy-model.ts';
import { wrapLanguageModel } from '../common/wrap-language-model.ts';
import { toAnthropicProviderError } from './anthropic-error.ts';

/** The AI SDK's Anthropic provider, imported by the first call to a Claude model (common/lazy-model.ts). */
const importSdk = once(() => import('@ai-sdk/anthropic'));
/** The SDK's own name for its Messages API models, given to it so the two cannot differ. */
const PROVIDER = 'anthropic.messages';

export type AnthropicSettings = {
  /** Including the API version: `https://api.anthropic.com/v1`. */
  baseUrl: string;
  apiKey: string;
  modelId: string;
  fetch?: FetchFunction | undefined;
};

/**
 * A Claude chat model via `@ai-sdk/anthropic` (the Messages API with `x-api-key` and `anthropic-version`), with our
 * error classes and stream contract. Thinking blocks come back as reasoning parts whose signature is in
 * `providerMetadata.anthropic.signature`; passed back on the same parts, the SDK resends them, as Anthropic requires
 * for a tool-use turn with thinking.
 * @see docs/anthropic-protocol.md "The Anthropic API as an upstream"
 */
export function createAnthropicChatModel(settings: AnthropicSettings): LanguageModelV3 {
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');
  const url = `${baseUrl}/messages`;
  const model = lazyLanguageModel({
    provider: PROVIDER,
    modelId: settings.modelId,
    load: async () => {
      const { createAnthropic } = await importSdk();
      const provider = createAnthropic({
        name: PROVIDER,
        baseURL: baseUrl,
        apiKey: settings.apiKey,
        ...(settings.fetch == null ? {} : { fetch: settings.fetch }),
      });
      return provider.languageModel(settings.modelId);
    },
  });
  return wrapLanguageModel({
    truncatedStreamUrl: url,
    model,
    toProviderError: (error) => toAnthropicProviderError(error, { url }),
  });
}
