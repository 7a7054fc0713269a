import type { LanguageModelV3FinishReason, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@pag/providers';
import { sealThinkingSignature } from './thinking-signature.ts';

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
 * Provider stream parts as Anthropic's stream events (docs/anthropic-protocol.md §3): `message_start`, a `ping`,
 * then one content block at a time — text, thinking (closed by its `signature_delta`), tool use (its input as
 * `input_json_delta`s) — each `content_block_start` / deltas / `content_block_stop` with its index, then
 * `message_delta` with the stop reason and usage, and `message_stop`. Reasoning becomes thinking blocks only when the
 * request turned thinking on; a client that did not ask for them does not expect them.
 */
export async function* toMessageEvents(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: { id: string; model: string; isThinking: boolean },
): AsyncGenerator<MessageStreamItem> {
  const event = (value: AnthropicStreamEvent): MessageStreamItem => ({ kind: 'event', event: value });
  yield event({
    type: 'message_start',
    message: {
      id: options.id,
      type: 'message',
      role: 'assistant',
      content: [],
      model: options.model,
      stop_reason: null,
      stop_sequence: null,
      // Upstreams report usage at the end; message_delta carries it, input included (§3.3).
      usage: toAnthropicUsage(undefined),
    },
  });
  yield event({ type: 'ping' });
  // Anthropic's blocks never interleave: one is open at a time, and a part of another closes it.
  let open: { partId: string; index: number } | undefined;
  let nextIndex = 0;
  const streamedCalls = new Set<string>();
  const close = function* (): Generator<MessageStreamItem> {
    if (open == null) return;
    yield event({ type: 'content_block_stop', index: open.index });
    open = undefined;
  };
  const start = function* (partId: string, block: AnthropicContentBlock): Generator<MessageStreamItem> {
    yield* close();
    open = { partId, index: nextIndex++ };
    yield event({ type: 'content_block_start', index: open.index, content_block: block });
  };
  const isOpen = (partId: string) => open?.partId === partId;
  for await (const part of parts) {
    switch (part.type) {
      case 'text-start':
        yield* start(part.id, { type: 'text', text: '' });
        break;
      case 'text-delta':
        if (part.delta === '') break;
        if (!isOpen(part.id)) yield* start(part.id, { type: 'text', text: '' });
        yield event({
          type: 'content_block_delta',
          index: nextIndex - 1,
          delta: { type: 'text_delta', text: part.delta },
        });
        break;
      case 'reasoning-start':
        if (options.isThinking) yield* start(part.id, { type: 'thinking', thinking: '', signature: '' });
        break;
      case 'reasoning-delta':
        if (!options.isThinking || part.delta === '') break;
        if (!isOpen(part.id)) yield* start(part.id, { type: 'thinking', thinking: '', signature: '' });
        yield event({
          type: 'content_block_delta',
          index: nextIndex - 1,
          delta: { type: 'thinking_delta', thinking: part.delta },
        });
        break;
      case 'reasoning-end':
        if (!options.isThinking || !isOpen(part.id)) break;
        yield event({
          type: 'content_block_delta',
          index: nextIndex - 1,
          delta: { type: 'signature_delta', signature: sealThinkingSignature(part.providerMetadata) },
        });
        yield* close();
        break;
      case 'tool-input-start':
        streamedCalls.add(part.id);
        yield* start(part.id, { type: 'tool_use', id: part.id, name: part.toolName, input: {} });
        break;
      case 'tool-input-delta':
        if (!isOpen(part.id) || part.delta === '') break;
        yield event({
          type: 'content_block_delta',
          index: nextIndex - 1,
          delta: { type: 'input_json_delta', partial_json: part.delta },
        });
        break;
      case 'text-end':
      case 'tool-input-end':
        if (isOpen(part.id)) yield* close();
        break;
      case 'tool-call':
        if (streamedCalls.has(part.toolCallId)) {
          if (isOpen(part.toolCallId)) yield* close();
          break;
        }
        // Providers that do not stream arguments send the whole call at once.
        yield* start(part.toolCallId, { type: 'tool_use', id: part.toolCallId, name: part.toolName, input: {} });
        if (part.input !== '' && part.input !== '{}') {
          yield event({
            type: 'content_block_delta',
            index: nextIndex - 1,
            delta: { type: 'input_json_delta', partial_json: part.input },
          });
        }
        yield* close();
        break;
      case 'error':
        yield { kind: 'error', error: part.error };
        return;
      case 'finish': {
        yield* close();
        const usage = toAnthropicUsage(part.usage);
        yield event({
          type: 'message_delta',
          delta: { stop_reason: toStopReason(part.finishReason), stop_sequence: null },
          usage,
        });
        yield { kind: 'usage', usage };
        yield event({ type: 'message_stop' });
        return;
      }
      default:
        break;
    }
  }
  yield { kind: 'error', error: new Error('The upstream ended the answer without finishing it.') };
}

/** Unknown counts become 0: Anthropic's usage has no nulls for these, and clients add them up. */
export function toAnthropicUsage(usage: LanguageModelV3Usage | undefined): AnthropicUsage {
  const cacheRead = usage?.inputTokens.cacheRead ?? 0;
  const total = usage?.inputTokens.total ?? 0;
  return {
    input_tokens: usage?.inputTokens.noCache ?? Math.max(0, total - cacheRead),
    output_tokens: usage?.outputTokens.total ?? 0,
    cache_creation_input_tokens: usage?.inputTokens.cacheWrite ?? 0,
    cache_read_input_tokens: cacheRead,
  };
}

function toStopReason(reason: LanguageModelV3FinishReason): AnthropicStopReason {
  switch (reason.unified) {
    case 'tool-calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content-filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
