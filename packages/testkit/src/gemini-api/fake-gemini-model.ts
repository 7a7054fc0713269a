import { googleError } from './google-api-error.ts';

/** One entry of the fake's catalogue; what is left out takes the default. */
export type FakeGeminiModelOptions = {
  /** The bare id (`gemini-3.5-flash`); the wire name is `models/<id>`. */
  id: string;
  displayName?: string;
  version?: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
  supportedGenerationMethods?: readonly string[];
  /** Thinking models (the default) report thought tokens and can return thought summaries. */
  isThinking?: boolean;
  /** Gemini 2.5 Pro and Gemini 3 refuse `thinkingBudget: 0`. */
  canDisableThinking?: boolean;
  /** Gemini 3 enforces thought signatures on replayed function calls (docs/google-protocol.md §3.7, §5.3). */
  requiresThoughtSignatures?: boolean;
  /** Native embedding length, for embedding models. */
  embeddingDimensions?: number;
  /** A retired model answers every call with this status (404 NOT_FOUND or 503 UNAVAILABLE). */
  retiredStatus?: 404 | 503;
};

export type FakeGeminiModel = ReturnType<typeof createFakeGeminiModels>[number];

const DEFAULT_MODELS: readonly FakeGeminiModelOptions[] = [
  { id: 'gemini-3.5-flash', displayName: 'Gemini 3.5 Flash' },
  { id: 'gemini-3.1-pro-preview', displayName: 'Gemini 3.1 Pro Preview', canDisableThinking: false },
  { id: 'gemini-3.1-flash-lite', displayName: 'Gemini 3.1 Flash-Lite' },
  { id: 'gemini-2.5-flash', displayName: 'Gemini 2.5 Flash' },
  { id: 'gemini-2.5-pro', displayName: 'Gemini 2.5 Pro', canDisableThinking: false },
  {
    id: 'gemini-embedding-001',
    displayName: 'Gemini Embedding 001',
    supportedGenerationMethods: ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'],
    isThinking: false,
    embeddingDimensions: 3072,
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
  },
];

/** Gemini 3 ids require signatures and cannot turn thinking off unless told otherwise. */
export function createFakeGeminiModels(options: readonly FakeGeminiModelOptions[] = DEFAULT_MODELS) {
  return options.map((entry) => {
    const isGemini3 = entry.id.startsWith('gemini-3');
    return {
      ...entry,
      displayName: entry.displayName ?? entry.id,
      version: entry.version ?? '001',
      inputTokenLimit: entry.inputTokenLimit ?? 1_048_576,
      outputTokenLimit: entry.outputTokenLimit ?? 65_536,
      supportedGenerationMethods: entry.supportedGenerationMethods ?? [
        'generateContent',
        'countTokens',
        'createCachedContent',
        'batchGenerateContent',
      ],
      isThinking: entry.isThinking ?? true,
      canDisableThinking: entry.canDisableThinking ?? !isGemini3,
      requiresThoughtSignatures: entry.requiresThoughtSignatures ?? isGemini3,
    };
  });
}

/** The wire shape of a Model in `models.list` and `models.get`. */
export function toGeminiModelObject(model: FakeGeminiModel): Record<string, unknown> {
  return {
    name: `models/${model.id}`,
    version: model.version,
    displayName: model.displayName,
    description: `Fake ${model.displayName} served by @pag/testkit.`,
    inputTokenLimit: model.inputTokenLimit,
    outputTokenLimit: model.outputTokenLimit,
    supportedGenerationMethods: model.supportedGenerationMethods,
    ...(model.embeddingDimensions == null
      ? { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: model.isThinking }
      : {}),
  };
}

/** The named model if it serves `requiredMethod`; else the real NOT_FOUND (or, retired as 503, UNAVAILABLE). */
export function resolveGeminiModel(options: {
  models: readonly FakeGeminiModel[];
  id: string;
  method: string;
  requiredMethod: string;
}): FakeGeminiModel {
  const model = options.models.find((candidate) => candidate.id === options.id);
  if (model?.retiredStatus === 503) throw googleError(503, 'The service is currently unavailable.');
  if (model?.retiredStatus !== 404 && model?.supportedGenerationMethods.includes(options.requiredMethod)) return model;
  const notFound = `models/${options.id} is not found for API version v1beta, or is not supported for ${options.method}.`;
  throw googleError(
    404,
    `${notFound} Call ListModels to see the list of available models and their supported methods.`,
  );
}
