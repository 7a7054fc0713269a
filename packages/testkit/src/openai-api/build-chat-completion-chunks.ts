import type { OpenAiStreamFrame } from './openai-stream-frame.ts';
import type { OpenAiTurn } from './plan-openai-turn.ts';
import { toChatCompletionUsage } from './to-chat-completion-usage.ts';

export type BuildChatCompletionChunksOptions = {
  turn: OpenAiTurn;
  /** `stream_options.include_usage`: every chunk carries `usage: null` and a last chunk has `choices: []`. */
  shouldIncludeUsage: boolean;
};

/**
 * The `chat.completion.chunk` sequence api.openai.com sends: a role chunk, reasoning deltas (`reasoning_content`, as
 * DeepSeek and vLLM send), content deltas, each tool call as a header then argument deltas, the finish chunk, and the
 * optional usage chunk. `data: [DONE]` is written by the route, not here.
 */
export function buildChatCompletionChunks(options: BuildChatCompletionChunksOptions): OpenAiStreamFrame[] {
  const { turn, shouldIncludeUsage } = options;
  const base = {
    id: `chatcmpl-fake${turn.serial}`,
    object: 'chat.completion.chunk',
    created: turn.created,
    model: turn.model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
  const chunk = (options: { delta: Record<string, unknown>; finishReason?: string; isDelta: boolean }) => ({
    data: {
      ...base,
      choices: [{ index: 0, delta: options.delta, logprobs: null, finish_reason: options.finishReason ?? null }],
      ...(shouldIncludeUsage ? { usage: null } : {}),
    },
    isDelta: options.isDelta,
  });

  const frames: OpenAiStreamFrame[] = [];
  const hasLeadingContent = turn.reasoningDeltas.length > 0 || turn.textDeltas.length > 0;
  // The real server opens with the role; a tool-only answer folds the first call's header into that chunk.
  if (hasLeadingContent || turn.toolCalls.length === 0) {
    frames.push(chunk({ delta: { role: 'assistant', content: '', refusal: null }, isDelta: false }));
  }
  for (const delta of turn.reasoningDeltas) frames.push(chunk({ delta: { reasoning_content: delta }, isDelta: true }));
  for (const delta of turn.textDeltas) frames.push(chunk({ delta: { content: delta }, isDelta: true }));
  for (const [index, call] of turn.toolCalls.entries()) {
    const header = {
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    };
    const isFirstChunk = frames.length === 0;
    frames.push(
      chunk({
        delta: isFirstChunk ? { role: 'assistant', content: null, ...header, refusal: null } : header,
        isDelta: false,
      }),
    );
    for (const delta of call.argumentDeltas) {
      frames.push(chunk({ delta: { tool_calls: [{ index, function: { arguments: delta } }] }, isDelta: true }));
    }
  }
  frames.push(chunk({ delta: {}, finishReason: turn.finishReason, isDelta: false }));
  if (shouldIncludeUsage) {
    frames.push({ data: { ...base, choices: [], usage: toChatCompletionUsage(turn.usage) }, isDelta: false });
  }
  return frames;
}
