import type { ReasoningOutput } from '@pag/contracts';
import type { LanguageModelV3StreamPart } from '@pag/providers';
import { type ChatCompletionUsage, toChatCompletionUsage, toChatFinishReason } from './chat-completion-shapes.ts';

/** How the `think-tags` reasoning display wraps reasoning in the content (the convention of DeepSeek, Qwen, …). */
export const THINK_OPEN = '<think>\n';
export const THINK_CLOSE = '\n</think>\n\n';

/** Parts after which open reasoning must be closed. */
const OUTPUT_AFTER_REASONING = new Set<LanguageModelV3StreamPart['type']>([
  'text-delta',
  'tool-input-start',
  'tool-call',
  'finish',
]);

export type ChatCompletionChunk = {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: null;
  choices: {
    index: 0;
    delta: Record<string, unknown>;
    finish_reason: string | null;
    logprobs: null;
  }[];
  usage?: ChatCompletionUsage | null;
};

/** What the stream yields: a chunk, or the failure that ended it after output had started. */
export type ChatStreamItem =
  /** One chunk to send: the gateway's own, or (relayed) the upstream's as amended. */
  | { kind: 'chunk'; chunk: ChatCompletionChunk | Record<string, unknown> }
  | { kind: 'error'; error: unknown }
  /** The final usage, always (also when the client did not ask for a usage chunk), for the access log. */
  | { kind: 'usage'; usage: ChatCompletionUsage };

/**
 * Provider stream parts as `chat.completion.chunk`s (docs/codex-protocol.md §6.3): the role first, text as `content`,
 * reasoning as `reasoning_content`, tool calls incrementally (`tool_calls[{index, id, type, function:{name,
 * arguments}}]` once, then argument deltas by index), one chunk with the finish reason, and — when asked — a usage
 * chunk with `choices: []`. The `[DONE]` line is the transport's job.
 */
export async function* toChatCompletionChunks(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: { id: string; created: number; model: string; includeUsage: boolean; reasoningOutput: ReasoningOutput },
): AsyncGenerator<ChatStreamItem> {
  // Every chunk repeats the completion's identity; with include_usage, `usage` is null until the last chunk.
  const envelope = (choices: ChatCompletionChunk['choices'], usage: ChatCompletionUsage | null): ChatStreamItem => ({
    kind: 'chunk',
    chunk: {
      id: options.id,
      object: 'chat.completion.chunk',
      created: options.created,
      model: options.model,
      system_fingerprint: null,
      choices,
      ...(options.includeUsage ? { usage } : {}),
    },
  });
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): ChatStreamItem =>
    envelope([{ index: 0, delta, finish_reason: finishReason, logprobs: null }], null);
  yield chunk({ role: 'assistant', content: '' });
  // Tool calls are numbered in the order they start; arguments stream under that index.
  const toolIndexes = new Map<string, number>();
  const streamedInputs = new Set<string>();
  // In `think-tags` mode reasoning goes into the content between <think> and </think>, closed by whatever
  // output comes next.
  let isThinking = false;
  const closeThinking = function* () {
    if (!isThinking) return;
    isThinking = false;
    yield chunk({ content: THINK_CLOSE });
  };
  for await (const part of parts) {
    if (isThinking && part.type !== 'reasoning-delta' && OUTPUT_AFTER_REASONING.has(part.type)) {
      yield* closeThinking();
    }
    switch (part.type) {
      case 'text-delta':
        if (part.delta !== '') yield chunk({ content: part.delta });
        break;
      case 'reasoning-delta':
        if (part.delta === '' || options.reasoningOutput === 'hidden') break;
        if (options.reasoningOutput === 'field') {
          yield chunk({ reasoning_content: part.delta });
          break;
        }
        yield chunk({ content: isThinking ? part.delta : `${THINK_OPEN}${part.delta}` });
        isThinking = true;
        break;
      case 'tool-input-start': {
        const index = toolIndexes.size;
        toolIndexes.set(part.id, index);
        streamedInputs.add(part.id);
        yield chunk({
          tool_calls: [{ index, id: part.id, type: 'function', function: { name: part.toolName, arguments: '' } }],
        });
        break;
      }
      case 'tool-input-delta': {
        const index = toolIndexes.get(part.id);
        if (index != null && part.delta !== '') {
          yield chunk({ tool_calls: [{ index, function: { arguments: part.delta } }] });
        }
        break;
      }
      case 'tool-call':
        // Providers that do not stream arguments send the whole call at once.
        if (!streamedInputs.has(part.toolCallId)) {
          const index = toolIndexes.size;
          toolIndexes.set(part.toolCallId, index);
          yield chunk({
            tool_calls: [
              {
                index,
                id: part.toolCallId,
                type: 'function',
                function: { name: part.toolName, arguments: part.input },
              },
            ],
          });
        }
        break;
      case 'error':
        yield { kind: 'error', error: part.error };
        return;
      case 'finish': {
        yield chunk({}, toChatFinishReason(part.finishReason));
        const usage = toChatCompletionUsage(part.usage);
        yield { kind: 'usage', usage };
        if (options.includeUsage) yield envelope([], usage);
        return;
      }
      default:
        break;
    }
  }
  yield { kind: 'error', error: new Error('The upstream ended the answer without finishing it.') };
}
