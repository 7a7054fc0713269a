/** One entry of the fake's catalogue; what is left out takes the default. */
export type FakeOpenAiModelOptions = {
  id: string;
  /** `chat` (the default) serves chat completions and responses; `embedding` serves embeddings only. */
  kind?: 'chat' | 'embedding';
  ownedBy?: string;
  /** Seconds since the epoch. */
  created?: number;
  /** Reasoning models (o-series, gpt-5) refuse `max_tokens` and a non-default `temperature`. */
  isReasoning?: boolean;
  /** Embedding length when the request names no `dimensions`. */
  dimensions?: number;
  /** Only the text-embedding-3 family accepts a `dimensions` parameter. */
  supportsDimensions?: boolean;
};

export type FakeOpenAiModel = ReturnType<typeof createFakeOpenAiModels>[number];

const DEFAULT_MODELS: readonly FakeOpenAiModelOptions[] = [
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

export function createFakeOpenAiModels(options: readonly FakeOpenAiModelOptions[] = DEFAULT_MODELS) {
  return options.map((entry) => {
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
