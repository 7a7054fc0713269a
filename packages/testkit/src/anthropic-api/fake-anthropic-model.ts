/** One entry of the fake's catalogue; what is left out takes the default. */
export type FakeAnthropicModelOptions = {
  id: string;
  displayName?: string;
  /** RFC 3339, as `created_at` in the models list. */
  createdAt?: string;
  /** The largest `max_tokens` the model takes (thinking budget included). */
  maxOutputTokens?: number;
  /** Models without extended thinking refuse a `thinking` object. */
  supportsThinking?: boolean;
};

export type FakeAnthropicModel = ReturnType<typeof createFakeAnthropicModels>[number];

const DEFAULT_MODELS: readonly FakeAnthropicModelOptions[] = [
  { id: 'claude-sonnet-4-5-20250929', displayName: 'Claude Sonnet 4.5', createdAt: '2025-09-29T00:00:00Z' },
  { id: 'claude-haiku-4-5-20251001', displayName: 'Claude Haiku 4.5', createdAt: '2025-10-01T00:00:00Z' },
  {
    id: 'claude-opus-4-1-20250805',
    displayName: 'Claude Opus 4.1',
    createdAt: '2025-08-05T00:00:00Z',
    maxOutputTokens: 32000,
  },
  {
    id: 'claude-3-haiku-20240307',
    displayName: 'Claude Haiku 3',
    createdAt: '2024-03-07T00:00:00Z',
    maxOutputTokens: 4096,
    supportsThinking: false,
  },
];

export function createFakeAnthropicModels(options: readonly FakeAnthropicModelOptions[] = DEFAULT_MODELS) {
  return options.map((entry) => ({
    id: entry.id,
    displayName: entry.displayName ?? entry.id,
    createdAt: entry.createdAt ?? '2025-01-01T00:00:00Z',
    maxOutputTokens: entry.maxOutputTokens ?? 64000,
    supportsThinking: entry.supportsThinking ?? true,
  }));
}
