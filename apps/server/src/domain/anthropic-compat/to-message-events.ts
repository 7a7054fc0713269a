import type { LanguageModelV3StreamPart } from '@pag/providers';
import { MessageStreamTranslator } from './message-stream-translator.ts';

/** Anthropic's usage object (docs/anthropic-protocol.md §3.3): input excludes what was read from the cache. */
export type AnthropicUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
};

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** The skeleton `message_start` carries and the non-stream answer fills in. */
export type AnthropicMessageShell = {
  id: string;
  type: 'message';
  role: 'assistant';
  content: AnthropicContentBlock[];
  model: string;
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
};

/** One Anthropic stream event (`type` is also the SSE event name). */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessageShell }
  | { type: 'ping' }
  | { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock }
  | {
      type: 'content_block_delta';
      index: number;
      delta:
        | { type: 'text_delta'; text: string }
        | { type: 'thinking_delta'; thinking: string }
        | { type: 'signature_delta'; signature: string }
        | { type: 'input_json_delta'; partial_json: string };
    }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: AnthropicStopReason; stop_sequence: string | null };
      usage: AnthropicUsage;
    }
  | { type: 'message_stop' };

/** What the stream yields: an event, the final usage (for the access log), or the failure that ended it. */
export type MessageStreamItem =
  | { kind: 'event'; event: AnthropicStreamEvent }
  | { kind: 'usage'; usage: AnthropicUsage }
  | { kind: 'error'; error: unknown };

/**
 * Provider stream parts as Anthropic's stream events (docs/anthropic-protocol.md §3), as `MessageStreamTranslator`
 * gives them: the stream of a `/v1/messages` answer.
 */
export async function* toMessageEvents(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: { id: string; model: string; isThinking: boolean },
): AsyncGenerator<MessageStreamItem> {
  const translator = new MessageStreamTranslator(options);
  yield* translator.begin();
  for await (const part of parts) {
    yield* translator.translate(part);
    if (translator.isDone) return;
  }
  yield* translator.end();
}
