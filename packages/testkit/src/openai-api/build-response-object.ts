import type { OpenAiTurn } from './plan-openai-turn.ts';

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export type BuildResponseObjectOptions = {
  turn: OpenAiTurn;
  /** The validated request body; the response echoes its settings as the real API does. */
  request: Record<string, unknown>;
  status: ResponseStatus;
  output: readonly Record<string, unknown>[];
  error?: { code: string; message: string };
};

/** A Responses API `response` object in the given state. */
export function buildResponseObject(options: BuildResponseObjectOptions): Record<string, unknown> {
  const { turn, request, status } = options;
  const isFinal = status !== 'in_progress';
  const reasoning = (request.reasoning ?? {}) as Record<string, unknown>;
  return {
    id: `resp_fake${turn.serial}`,
    object: 'response',
    created_at: turn.created,
    status,
    background: request.background ?? false,
    error: options.error ?? null,
    incomplete_details:
      status === 'incomplete'
        ? { reason: turn.finishReason === 'content_filter' ? 'content_filter' : 'max_output_tokens' }
        : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: turn.model,
    output: options.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    service_tier: 'default',
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    usage: isFinal && status !== 'failed' ? toResponseUsage(turn) : null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

function toResponseUsage(turn: OpenAiTurn): Record<string, unknown> {
  const { usage } = turn;
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}
