import type { OpenAiRendering, OpenAiStreamFrame, OpenAiTurn } from './answer-openai-turn.ts';

/**
 * A turn as a `chat.completion`, or as api.openai.com streams it: role chunk, reasoning deltas (`reasoning_content`,
 * as DeepSeek and vLLM send), content deltas, tool call headers and argument deltas, finish, usage if asked, `[DONE]`.
 */
export function renderChatCompletion(turn: OpenAiTurn, shouldIncludeUsage: boolean): OpenAiRendering {
  const base = {
    id: `chatcmpl-fake${turn.serial}`,
    object: 'chat.completion.chunk',
    created: turn.created,
    model: turn.model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
  const frames: OpenAiStreamFrame[] = [];
  const push = (delta: Record<string, unknown>, isDelta: boolean, finishReason: string | null = null) => {
    const choices = [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
    frames.push({ data: { ...base, choices, ...(shouldIncludeUsage ? { usage: null } : {}) }, isDelta });
  };
  // The real server opens with the role; a tool-only answer folds the first call's header into that chunk.
  if (turn.reasoningDeltas.length > 0 || turn.textDeltas.length > 0 || turn.toolCalls.length === 0) {
    push({ role: 'assistant', content: '', refusal: null }, false);
  }
  for (const delta of turn.reasoningDeltas) push({ reasoning_content: delta }, true);
  for (const delta of turn.textDeltas) push({ content: delta }, true);
  for (const [index, call] of turn.toolCalls.entries()) {
    const header = {
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    };
    push(frames.length === 0 ? { role: 'assistant', content: null, ...header, refusal: null } : header, false);
    for (const delta of call.argumentDeltas) push({ tool_calls: [{ index, function: { arguments: delta } }] }, true);
  }
  push({}, false, turn.finishReason);
  if (shouldIncludeUsage) frames.push({ data: { ...base, choices: [], usage: toUsage(turn) }, isDelta: false });

  const hasToolCalls = turn.toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: turn.text === '' && hasToolCalls ? null : turn.text,
    refusal: null,
    annotations: [],
  };
  if (turn.reasoning !== '') message.reasoning_content = turn.reasoning;
  if (hasToolCalls) {
    message.tool_calls = turn.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  const body = {
    id: base.id,
    object: 'chat.completion',
    created: turn.created,
    model: turn.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: turn.finishReason }],
    usage: toUsage(turn),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
  return {
    body,
    frames,
    closingEvents: [{ data: '[DONE]' }],
    // openai-node throws on any data event with an `error` key; the stream then ends without [DONE].
    failureEvents: ({ error }) => [{ data: { error } }],
  };
}

function toUsage({ usage }: OpenAiTurn): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
