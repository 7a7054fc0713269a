import type {
  EmbeddingModelV3,
  LanguageModelV3,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { throwIfStreamErrorBeforeOutput } from './throw-if-stream-error-before-output.ts';

/**
 * Puts our contract on an AI SDK model: its errors become our classes, and an `error` part that comes before any
 * output (the AI SDK streams those, e.g. an error chunk as the first event) is thrown instead.
 */
export function wrapLanguageModel(options: {
  model: LanguageModelV3;
  toProviderError: (error: unknown) => unknown;
  /** Fixes up the usage the SDK reports (in `finish` parts and `doGenerate` results). */
  mapUsage?: (usage: LanguageModelV3Usage) => LanguageModelV3Usage;
  /**
   * The URL named in the error for a stream that ends without a finish reason. The AI SDK ends such a stream with
   * an ordinary `finish` (`other`), but OpenAI and Gemini always send a finish reason on their last chunk, so its
   * absence means the stream was cut off; we report that as an error part (thrown when nothing came before).
   */
  truncatedStreamUrl: string;
}): LanguageModelV3 {
  const { model, toProviderError, mapUsage, truncatedStreamUrl } = options;
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    async doGenerate(callOptions) {
      let result: Awaited<ReturnType<LanguageModelV3['doGenerate']>>;
      try {
        result = await model.doGenerate(callOptions);
      } catch (error) {
        throw toProviderError(error);
      }
      return mapUsage != null ? { ...result, usage: mapUsage(result.usage) } : result;
    },
    async doStream(callOptions) {
      let result: Awaited<ReturnType<LanguageModelV3['doStream']>>;
      try {
        result = await model.doStream(callOptions);
      } catch (error) {
        throw toProviderError(error);
      }
      let hasError = false;
      const stream = result.stream.pipeThrough(
        new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
          transform(part, controller) {
            if (part.type === 'error') hasError = true;
            if (part.type !== 'finish') {
              controller.enqueue(part);
              return;
            }
            const usage = mapUsage != null ? mapUsage(part.usage) : part.usage;
            if (part.finishReason.raw == null && part.finishReason.unified === 'other' && !hasError) {
              controller.enqueue({
                type: 'error',
                error: new UpstreamConnectionError({
                  message: 'The stream ended before a finish reason.',
                  url: truncatedStreamUrl,
                  cause: undefined,
                }),
              });
              controller.enqueue({ ...part, usage, finishReason: { unified: 'error', raw: undefined } });
              return;
            }
            controller.enqueue({ ...part, usage });
          },
        }),
      );
      return {
        ...result,
        stream: await throwIfStreamErrorBeforeOutput(stream, toProviderError, callOptions.abortSignal),
      };
    },
  };
}

export function wrapEmbeddingModel(options: {
  model: EmbeddingModelV3;
  toProviderError: (error: unknown) => unknown;
}): EmbeddingModelV3 {
  const { model, toProviderError } = options;
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    get maxEmbeddingsPerCall() {
      return model.maxEmbeddingsPerCall;
    },
    get supportsParallelCalls() {
      return model.supportsParallelCalls;
    },
    async doEmbed(callOptions) {
      try {
        return await model.doEmbed(callOptions);
      } catch (error) {
        throw toProviderError(error);
      }
    },
  };
}
