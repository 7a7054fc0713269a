import { CodedTypeError } from '../coded-type-error.ts';

/** One entry of the fake's catalogue. */
export type FakeOpenAiModel = {
  id: string;
  /** `chat` serves chat completions and responses; `embedding` serves embeddings only. */
  kind: 'chat' | 'embedding';
  ownedBy: string;
  /** Seconds since the epoch, as `created` in the model object. */
  created: number;
  /**
   * Reasoning models (o-series, gpt-5) reject `max_tokens` and a non-default `temperature`, and report
   * `reasoning_tokens` in usage.
   */
  isReasoning: boolean;
  /** Embedding length when the request names no `dimensions`. */
  dimensions: number | undefined;
  /** Only the text-embedding-3 family accepts a `dimensions` parameter. */
  supportsDimensions: boolean;
};

export type FakeOpenAiModelOptions = Pick<FakeOpenAiModel, 'id'> & Partial<Omit<FakeOpenAiModel, 'id'>>;

export const DEFAULT_FAKE_OPENAI_MODELS: readonly FakeOpenAiModelOptions[] = [
  { id: 'gpt-4o-mini', created: 1721172741 },
  { id: 'gpt-4.1', created: 1744316542 },
  { id: 'gpt-5-mini', created: 1754425928, isReasoning: true },
  { id: 'o4-mini', created: 1744225351, isReasoning: true },
  { id: 'text-embedding-3-small', kind: 'embedding', created: 1705948997, dimensions: 1536, supportsDimensions: true },
  { id: 'text-embedding-3-large', kind: 'embedding', created: 1705953180, dimensions: 3072, supportsDimensions: true },
  {
    id: 'text-embedding-ada-002',
    kind: 'embedding',
    created: 1671217299,
    ownedBy: 'openai-internal',
    dimensions: 1536,
  },
];

/** Fills defaults and rejects duplicates, so a typo in a test's catalogue fails at start-up. */
export function createFakeOpenAiModels(options: readonly FakeOpenAiModelOptions[] | undefined): FakeOpenAiModel[] {
  const list = options ?? DEFAULT_FAKE_OPENAI_MODELS;
  if (!Array.isArray(list)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"models" must be an array' });
  }
  const seen = new Set<string>();
  return list.map((entry, index) => {
    if (entry == null || typeof entry.id !== 'string' || entry.id === '') {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"models[${index}].id" must be a string` });
    }
    if (seen.has(entry.id)) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"models" repeat the id "${entry.id}"` });
    }
    seen.add(entry.id);
    const kind = entry.kind ?? 'chat';
    return {
      id: entry.id,
      kind,
      ownedBy: entry.ownedBy ?? 'system',
      created: entry.created ?? 1700000000,
      isReasoning: entry.isReasoning ?? false,
      dimensions: entry.dimensions ?? (kind === 'embedding' ? 1536 : undefined),
      supportsDimensions: entry.supportsDimensions ?? false,
    };
  });
}

/** The wire shape of `GET /v1/models/{id}`. */
export function toOpenAiModelObject(model: FakeOpenAiModel): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}
