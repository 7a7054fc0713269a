import { buildResponseObject } from './build-response-object.ts';
import type { OpenAiStreamFrame } from './openai-stream-frame.ts';
import type { OpenAiTurn } from './plan-openai-turn.ts';

export type BuildResponseEventsOptions = {
  turn: OpenAiTurn;
  request: Record<string, unknown>;
};

export type ResponseEvents = {
  /** Every event in order; each carries its `sequence_number`. */
  frames: OpenAiStreamFrame[];
  /** The final `response` object, which is also the non-streaming answer. */
  response: Record<string, unknown>;
};

/**
 * The Responses API stream for a turn: created, in_progress, then per output item (reasoning, message, function calls)
 * its added/delta/done events, and a terminal `response.completed` or `response.incomplete`.
 */
export function buildResponseEvents(options: BuildResponseEventsOptions): ResponseEvents {
  const { turn, request } = options;
  const frames: OpenAiStreamFrame[] = [];
  const emit = (type: string, payload: Record<string, unknown>, isDelta = false) => {
    frames.push({ event: type, data: { type, sequence_number: frames.length, ...payload }, isDelta });
  };
  const output: Record<string, unknown>[] = [];
  const isIncomplete = turn.finishReason === 'length' || turn.finishReason === 'content_filter';
  const inProgress = buildResponseObject({ turn, request, status: 'in_progress', output: [] });
  emit('response.created', { response: inProgress });
  emit('response.in_progress', { response: inProgress });

  if (turn.reasoning !== '') {
    const outputIndex = output.length;
    const id = `rs_fake${turn.serial}`;
    const where = { item_id: id, output_index: outputIndex, summary_index: 0 };
    const includes = Array.isArray(request.include) ? request.include : [];
    const item: Record<string, unknown> = {
      id,
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: turn.reasoning }],
    };
    if (includes.includes('reasoning.encrypted_content')) {
      item.encrypted_content = Buffer.from(`fake-reasoning:${turn.serial}`).toString('base64');
    }
    emit('response.output_item.added', { output_index: outputIndex, item: { id, type: 'reasoning', summary: [] } });
    emit('response.reasoning_summary_part.added', { ...where, part: { type: 'summary_text', text: '' } });
    for (const delta of turn.reasoningDeltas) emit('response.reasoning_summary_text.delta', { ...where, delta }, true);
    emit('response.reasoning_summary_text.done', { ...where, text: turn.reasoning });
    emit('response.reasoning_summary_part.done', { ...where, part: { type: 'summary_text', text: turn.reasoning } });
    emit('response.output_item.done', { output_index: outputIndex, item });
    output.push(item);
  }

  if (turn.text !== '' || turn.toolCalls.length === 0) {
    const outputIndex = output.length;
    const id = `msg_fake${turn.serial}`;
    const where = { item_id: id, output_index: outputIndex, content_index: 0 };
    const part = { type: 'output_text', annotations: [], logprobs: [], text: turn.text };
    const item = {
      id,
      type: 'message',
      status: isIncomplete ? 'incomplete' : 'completed',
      role: 'assistant',
      content: [part],
    };
    emit('response.output_item.added', {
      output_index: outputIndex,
      item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    });
    emit('response.content_part.added', { ...where, part: { ...part, text: '' } });
    for (const delta of turn.textDeltas) emit('response.output_text.delta', { ...where, delta, logprobs: [] }, true);
    emit('response.output_text.done', { ...where, text: turn.text, logprobs: [] });
    emit('response.content_part.done', { ...where, part });
    emit('response.output_item.done', { output_index: outputIndex, item });
    output.push(item);
  }

  for (const [index, call] of turn.toolCalls.entries()) {
    const outputIndex = output.length;
    const id = `fc_fake${turn.serial}_${index}`;
    const item = {
      id,
      type: 'function_call',
      status: 'completed',
      arguments: call.arguments,
      call_id: call.id,
      name: call.name,
    };
    emit('response.output_item.added', {
      output_index: outputIndex,
      item: { ...item, status: 'in_progress', arguments: '' },
    });
    for (const delta of call.argumentDeltas) {
      emit('response.function_call_arguments.delta', { item_id: id, output_index: outputIndex, delta }, true);
    }
    emit('response.function_call_arguments.done', {
      item_id: id,
      output_index: outputIndex,
      arguments: call.arguments,
    });
    emit('response.output_item.done', { output_index: outputIndex, item });
    output.push(item);
  }

  const status = isIncomplete ? 'incomplete' : 'completed';
  const response = buildResponseObject({ turn, request, status, output });
  emit(isIncomplete ? 'response.incomplete' : 'response.completed', { response });
  return { frames, response };
}

/** What a failure mid-stream adds: an `error` event, then `response.failed`, numbered after what was written. */
export function buildResponseFailureFrames(options: {
  turn: OpenAiTurn;
  request: Record<string, unknown>;
  nextSequenceNumber: number;
  error: { code: string | null; message: string };
}): OpenAiStreamFrame[] {
  const { nextSequenceNumber: sequence, error } = options;
  const code = error.code ?? 'server_error';
  const failed = buildResponseObject({
    turn: options.turn,
    request: options.request,
    status: 'failed',
    output: [],
    error: { code, message: error.message },
  });
  return [
    {
      event: 'error',
      data: { type: 'error', sequence_number: sequence, code, message: error.message, param: null },
      isDelta: false,
    },
    {
      event: 'response.failed',
      data: { type: 'response.failed', sequence_number: sequence + 1, response: failed },
      isDelta: false,
    },
  ];
}
