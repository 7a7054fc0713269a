import { CodedTypeError } from '../coded-type-error.ts';

export type FakeGeminiModel = {
  /** The bare id (`gemini-3.5-flash`); the wire name is `models/<id>`. */
  id: string;
  displayName: string;
  version: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: readonly string[];
  /** Thinking models report thought tokens and can return thought summaries. */
  isThinking: boolean;
  /** Gemini 2.5 Pro and Gemini 3 refuse `thinkingBudget: 0`. */
  canDisableThinking: boolean;
  /** Gemini 3 enforces thought signatures on replayed function calls (docs/google-protocol.md §3.7, §5.3). */
  requiresThoughtSignatures: boolean;
  /** Native embedding length for embedding models. */
  embeddingDimensions: number | undefined;
  /** A retired model answers every call with this status (404 NOT_FOUND or 503 UNAVAILABLE). */
  retiredStatus: 404 | 503 | undefined;
};

export type FakeGeminiModelOptions = Pick<FakeGeminiModel, 'id'> & Partial<Omit<FakeGeminiModel, 'id'>>;

const CHAT_METHODS = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];
const EMBEDDING_METHODS = ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'];

export const DEFAULT_FAKE_GEMINI_MODELS: readonly FakeGeminiModelOptions[] = [
  { id: 'gemini-3.5-flash', displayName: 'Gemini 3.5 Flash' },
  { id: 'gemini-3.1-pro-preview', displayName: 'Gemini 3.1 Pro Preview', canDisableThinking: false },
  { id: 'gemini-3.1-flash-lite', displayName: 'Gemini 3.1 Flash-Lite' },
  { id: 'gemini-2.5-flash', displayName: 'Gemini 2.5 Flash' },
  { id: 'gemini-2.5-pro', displayName: 'Gemini 2.5 Pro', canDisableThinking: false },
  {
    id: 'gemini-embedding-001',
    displayName: 'Gemini Embedding 001',
    supportedGenerationMethods: EMBEDDING_METHODS,
    isThinking: false,
    embeddingDimensions: 3072,
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
  },
];

/** Fills defaults (Gemini 3 ids require signatures and cannot turn thinking off) and rejects duplicates. */
export function createFakeGeminiModels(options: readonly FakeGeminiModelOptions[] | undefined): FakeGeminiModel[] {
  const list = options ?? DEFAULT_FAKE_GEMINI_MODELS;
  if (!Array.isArray(list))
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"models" must be an array' });
  const seen = new Set<string>();
  return list.map((entry, index) => {
    if (entry == null || typeof entry.id !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(entry.id)) {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_VALUE',
        message: `"models[${index}].id" must be a bare model id like gemini-3.5-flash`,
      });
    }
    if (seen.has(entry.id)) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"models" repeat the id "${entry.id}"` });
    }
    seen.add(entry.id);
    const isGemini3 = entry.id.startsWith('gemini-3');
    return {
      id: entry.id,
      displayName: entry.displayName ?? entry.id,
      version: entry.version ?? '001',
      inputTokenLimit: entry.inputTokenLimit ?? 1_048_576,
      outputTokenLimit: entry.outputTokenLimit ?? 65_536,
      supportedGenerationMethods: entry.supportedGenerationMethods ?? CHAT_METHODS,
      isThinking: entry.isThinking ?? true,
      canDisableThinking: entry.canDisableThinking ?? !isGemini3,
      requiresThoughtSignatures: entry.requiresThoughtSignatures ?? isGemini3,
      embeddingDimensions: entry.embeddingDimensions,
      retiredStatus: entry.retiredStatus,
    };
  });
}

/** The wire shape of a Model in `models.list` and `models.get`. */
export function toGeminiModelObject(model: FakeGeminiModel): Record<string, unknown> {
  const isEmbedding = model.embeddingDimensions != null;
  return {
    name: `models/${model.id}`,
    version: model.version,
    displayName: model.displayName,
    description: `Fake ${model.displayName} served by @pag/testkit.`,
    inputTokenLimit: model.inputTokenLimit,
    outputTokenLimit: model.outputTokenLimit,
    supportedGenerationMethods: model.supportedGenerationMethods,
    ...(isEmbedding ? {} : { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: model.isThinking }),
  };
}
