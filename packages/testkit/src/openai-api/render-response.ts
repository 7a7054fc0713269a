import type { OpenAiRendering, OpenAiStreamFrame, OpenAiTurn } from './answer-openai-turn.ts';

/**
 * A turn as a Responses API `response`, or as its stream: created, in_progress, each output item's events, then
 * completed or incomplete; a failure mid-stream adds `error`, then `response.failed`.
 */
export function renderResponse(turn: OpenAiTurn, request: Record<string, unknown>): OpenAiRendering & { id: string } {
  const frames: OpenAiStreamFrame[] = [];
  const emit = (type: string, payload: Record<string, unknown>, isDelta = false) => {
    frames.push({ event: type, data: { type, sequence_number: frames.length, ...payload }, isDelta });
  };
  const output: Record<string, unknown>[] = [];
  const addItem = (item: Record<string, unknown>, opened: Record<string, unknown>, emitContent: () => void) => {
    emit('response.output_item.added', { output_index: output.length, item: opened });
    emitContent();
    emit('response.output_item.done', { output_index: output.length, item });
    output.push(item);
  };
  const isIncomplete = turn.finishReason === 'length' || turn.finishReason === 'content_filter';
  const inProgress = buildResponseObject(turn, request, 'in_progress', []);
  emit('response.created', { response: inProgress });
  emit('response.in_progress', { response: inProgress });

  if (turn.reasoning !== '') {
    const id = `rs_fake${turn.serial}`;
    const where = { item_id: id, output_index: output.length, summary_index: 0 };
    const part = { type: 'summary_text', text: turn.reasoning };
    const item: Record<string, unknown> = { id, type: 'reasoning', summary: [part] };
    if (Array.isArray(request.include) && request.include.includes('reasoning.encrypted_content')) {
      item.encrypted_content = Buffer.from(`fake-reasoning:${turn.serial}`).toString('base64');
    }
    addItem(item, { id, type: 'reasoning', summary: [] }, () => {
      emit('response.reasoning_summary_part.added', { ...where, part: { ...part, text: '' } });
      for (const delta of turn.reasoningDeltas)
        emit('response.reasoning_summary_text.delta', { ...where, delta }, true);
      emit('response.reasoning_summary_text.done', { ...where, text: turn.reasoning });
      emit('response.reasoning_summary_part.done', { ...where, part });
    });
  }
  if (turn.text !== '' || turn.toolCalls.length === 0) {
    const id = `msg_fake${turn.serial}`;
    const where = { item_id: id, output_index: output.length, content_index: 0 };
    const part = { type: 'output_text', annotations: [], logprobs: [], text: turn.text };
    const status = isIncomplete ? 'incomplete' : 'completed';
    const item = { id, type: 'message', status, role: 'assistant', content: [part] };
    addItem(item, { ...item, status: 'in_progress', content: [] }, () => {
      emit('response.content_part.added', { ...where, part: { ...part, text: '' } });
      for (const delta of turn.textDeltas) emit('response.output_text.delta', { ...where, delta, logprobs: [] }, true);
      emit('response.output_text.done', { ...where, text: turn.text, logprobs: [] });
      emit('response.content_part.done', { ...where, part });
    });
  }
  for (const [index, call] of turn.toolCalls.entries()) {
    const id = `fc_fake${turn.serial}_${index}`;
    const where = { item_id: id, output_index: output.length };
    const fields = { arguments: call.arguments, call_id: call.id, name: call.name };
    const item = { id, type: 'function_call', status: 'completed', ...fields };
    addItem(item, { ...item, status: 'in_progress', arguments: '' }, () => {
      for (const delta of call.argumentDeltas)
        emit('response.function_call_arguments.delta', { ...where, delta }, true);
      emit('response.function_call_arguments.done', { ...where, arguments: call.arguments });
    });
  }

  const response = buildResponseObject(turn, request, isIncomplete ? 'incomplete' : 'completed', output);
  emit(isIncomplete ? 'response.incomplete' : 'response.completed', { response });
  return {
    id: `resp_fake${turn.serial}`,
    body: response,
    frames,
    closingEvents: [],
    failureEvents: ({ writtenCount: sequence, error }) => {
      const code = error.code ?? 'server_error';
      const failed = buildResponseObject(turn, request, 'failed', [], { code, message: error.message });
      const errorData = { type: 'error', sequence_number: sequence, code, message: error.message, param: null };
      const failedData = { type: 'response.failed', sequence_number: sequence + 1, response: failed };
      return [
        { event: 'error', data: errorData },
        { event: 'response.failed', data: failedData },
      ];
    },
  };
}

/** A `response` object in the given state; it echoes the request's settings as the real API does. */
function buildResponseObject(
  turn: OpenAiTurn,
  request: Record<string, unknown>,
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed',
  output: readonly Record<string, unknown>[],
  error: { code: string; message: string } | null = null,
): Record<string, unknown> {
  const reasoning = (request.reasoning ?? {}) as Record<string, unknown>;
  const { usage } = turn;
  return {
    id: `resp_fake${turn.serial}`,
    object: 'response',
    created_at: turn.created,
    status,
    background: request.background ?? false,
    error,
    incomplete_details:
      status === 'incomplete'
        ? { reason: turn.finishReason === 'content_filter' ? 'content_filter' : 'max_output_tokens' }
        : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: turn.model,
    output,
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
    usage:
      status === 'in_progress' || status === 'failed'
        ? null
        : {
            input_tokens: usage.promptTokens,
            input_tokens_details: { cached_tokens: usage.cachedTokens },
            output_tokens: usage.completionTokens,
            output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
            total_tokens: usage.promptTokens + usage.completionTokens,
          },
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}
