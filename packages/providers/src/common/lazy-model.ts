import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';

/**
 * A chat model whose AI SDK model (and the package it comes from) is made by its first call. The gateway imports
 * `@ai-sdk/anthropic`, `@ai-sdk/google` and `@ai-sdk/openai-compatible` (its embeddings) that way, on the first
 * request to such an upstream instead of at start: together about 1 MB of source, a tenth of a second and several
 * MiB that every gateway held, most of which talk to one of them or to none (issue 22). `provider` and `modelId` are known
 * without the SDK; the model is made once and kept, so a later call waits for nothing.
 */
export function lazyLanguageModel(options: {
  provider: string;
  modelId: string;
  load: () => Promise<LanguageModelV3>;
}): LanguageModelV3 {
  const model = once(options.load);
  return {
    specificationVersion: 'v3',
    provider: options.provider,
    modelId: options.modelId,
    get supportedUrls() {
      return model().then((loaded) => loaded.supportedUrls);
    },
    doGenerate: async (callOptions) => (await model()).doGenerate(callOptions),
    doStream: async (callOptions) => (await model()).doStream(callOptions),
  };
}

/** The embedding-model counterpart of {@link lazyLanguageModel}. */
export function lazyEmbeddingModel(options: {
  provider: string;
  modelId: string;
  load: () => Promise<EmbeddingModelV3>;
}): EmbeddingModelV3 {
  const model = once(options.load);
  return {
    specificationVersion: 'v3',
    provider: options.provider,
    modelId: options.modelId,
    get maxEmbeddingsPerCall() {
      return model().then((loaded) => loaded.maxEmbeddingsPerCall);
    },
    get supportsParallelCalls() {
      return model().then((loaded) => loaded.supportsParallelCalls);
    },
    doEmbed: async (callOptions) => (await model()).doEmbed(callOptions),
  };
}

/** Runs `load` on the first call and gives every later call its promise; one that failed is tried again. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    if (loaded === undefined) {
      const loading = load();
      loaded = loading;
      loading.catch(() => {
        if (loaded === loading) loaded = undefined;
      });
    }
    return loaded;
  };
}
