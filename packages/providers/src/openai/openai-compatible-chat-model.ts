import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
  SharedV3Warning,
} from '@ai-sdk/provider';

import { forwardUpstreamJson } from '../common/forward-upstream-json.ts';
import { generateFromStream } from '../common/generate-from-stream.ts';
import { startSsePartStream } from '../common/start-sse-part-stream.ts';
import type { OpenAiCompatibleSettings } from './openai-chat-model.ts';
import { OpenAiChatStreamState } from './openai-chat-stream-state.ts';
import { openAiHttpFailureToProviderError, toOpenAiProviderError } from './openai-error.ts';
import { toOpenAiChatRequest } from './to-openai-chat-request.ts';

/**
 * A `LanguageModelV3` on an OpenAI-compatible `/chat/completions`, written from the protocol
 * (docs/openai-compatible-protocol.md) as the Codex model is: the call becomes a streaming request
 * (`toOpenAiChatRequest`), sent through `forwardUpstreamJson` (undici's `request` on the gateway's pool, as the `/v1`
 * relay), and the SSE body becomes parts in one synchronous pass (`OpenAiChatStreamState`) inside the one SSE pump.
 * It replaced the AI SDK's openai-compatible chat model, whose fetch, four web-stream stages, zod copy of every chunk
 * and JSON parse of every tool-argument delta made a translated request (`/api/ai/*`, `/v1/messages`) cost the
 * gateway about 1 ms of CPU against about 0.6 ms now (issue 22 profile). The SDK's model stays the test oracle
 * (openai-chat-model.sdk-oracle.test.ts).
 */
export class OpenAiCompatibleChatModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider: string;
  readonly modelId: string;
  // Images by URL are passed on as URLs; the upstream fetches them.
  readonly supportedUrls = { 'image/*': [/^https?:\/\/.*$/] };
  readonly #settings: OpenAiCompatibleSettings;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #toProviderError: (error: unknown) => unknown;

  constructor(settings: OpenAiCompatibleSettings) {
    this.#settings = settings;
    // Named `{name}.chat` as before, so logs and usage rows keep their provider names.
    this.provider = `${settings.providerName}.chat`;
    this.modelId = settings.modelId;
    const url = `${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.#url = url;
    // A local server without a key (Ollama, LM Studio) gets no authorization header at all.
    this.#headers = {
      ...settings.headers,
      ...(settings.apiKey !== '' ? { authorization: `Bearer ${settings.apiKey}` } : {}),
    };
    this.#toProviderError = (error) => toOpenAiProviderError(error, { url });
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    let request: { body: Record<string, unknown>; warnings: SharedV3Warning[] };
    try {
      request = toOpenAiChatRequest(options, {
        modelId: this.modelId,
        providerName: this.#settings.providerName,
      });
    } catch (error) {
      throw this.#toProviderError(error);
    }
    const { body, warnings } = request;
    const forwarded = await forwardUpstreamJson({
      url: this.#url,
      headers: options.headers == null ? this.#headers : { ...withoutUndefined(options.headers), ...this.#headers },
      body,
      toProviderError: openAiHttpFailureToProviderError,
      abortSignal: options.abortSignal,
      fetch: this.#settings.fetch,
      dispatcher: this.#settings.dispatcher,
    });
    const stream = await startSsePartStream({
      body: forwarded.body,
      url: this.#url,
      decoder: new OpenAiChatStreamState({
        url: this.#url,
        providerName: this.#settings.providerName,
        includeRawChunks: options.includeRawChunks === true,
      }),
      warnings,
      abortSignal: options.abortSignal,
      mapError: this.#toProviderError,
    });
    return { stream, request: { body } };
  }

  /**
   * Streams and collects: one request builder and one converter for both calls. The gateway itself always streams;
   * this serves callers of the package that want the whole answer.
   */
  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    return generateFromStream(await this.doStream(options));
  }
}

function withoutUndefined(headers: Record<string, string | undefined>): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) defined[name.toLowerCase()] = value;
  return defined;
}
