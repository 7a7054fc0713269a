export type BuildCodexResponseObjectOptions = {
  id: string;
  /** Seconds since the epoch. */
  createdAt: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  /** The validated request body; the response echoes its settings like the Responses API does. */
  request: Readonly<Record<string, unknown>>;
  /** Used when the request names no effort: the backend then applies the model's default. */
  defaultEffort: string | undefined;
  output?: readonly unknown[];
  usage?: Record<string, unknown> | null;
  error?: Record<string, unknown> | null;
  incompleteDetails?: { reason: string } | null;
};

/**
 * The `response` object carried by `response.created`, `.in_progress` and the terminal events (docs/codex-protocol.md
 * §6.2).
 */
export function buildCodexResponseObject(options: BuildCodexResponseObjectOptions): Record<string, unknown> {
  const { request } = options;
  const reasoning = isRecord(request.reasoning) ? request.reasoning : {};
  return {
    id: options.id,
    object: 'response',
    created_at: options.createdAt,
    status: options.status,
    background: false,
    error: options.error ?? null,
    incomplete_details: options.incompleteDetails ?? null,
    instructions: request.instructions ?? null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: request.model,
    output: options.output ?? [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    reasoning: { effort: reasoning.effort ?? options.defaultEffort ?? null, summary: reasoning.summary ?? null },
    service_tier: request.service_tier ?? 'auto',
    store: false,
    temperature: 1,
    text: request.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_logprobs: 0,
    top_p: 1,
    truncation: 'disabled',
    usage: options.usage ?? null,
    user: null,
    metadata: {},
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}
