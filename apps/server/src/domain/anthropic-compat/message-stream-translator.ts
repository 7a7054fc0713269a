import type { LanguageModelV3FinishReason, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@pag/providers';
import { sealThinkingSignature } from './thinking-signature.ts';
import type {
  AnthropicContentBlock,
  AnthropicStopReason,
  AnthropicStreamEvent,
  AnthropicUsage,
  MessageStreamItem,
} from './to-message-events.ts';

const event = (value: AnthropicStreamEvent): MessageStreamItem => ({ kind: 'event', event: value });

/**
 * Provider stream parts as Anthropic's stream events (docs/anthropic-protocol.md §3), one part at a time: `begin`
 * gives `message_start` and a `ping`, `translate` the items of each part — one content block at a time, text,
 * thinking (closed by its `signature_delta`), tool use (its input as `input_json_delta`s), each
 * `content_block_start` / deltas / `content_block_stop` with its index, then `message_delta` with the stop reason
 * and usage, and `message_stop` — and `end` the failure of parts that stopped without a finish. Reasoning becomes
 * thinking blocks only when the request turned thinking on; a client that did not ask for them does not expect them.
 *
 * Synchronous, so that both answers drive the one translation without an async stage per event: the stream
 * (`toMessageEvents`) and the whole message (`collectMessage`, issue 22 profile).
 */
export class MessageStreamTranslator {
  readonly #options: { id: string; model: string; isThinking: boolean };
  // Anthropic's blocks never interleave: one is open at a time, and a part of another closes it.
  #open: { partId: string; index: number } | undefined;
  #nextIndex = 0;
  readonly #streamedCalls = new Set<string>();
  /** After an `error` or `finish` part: nothing more comes. */
  isDone = false;

  constructor(options: { id: string; model: string; isThinking: boolean }) {
    this.#options = options;
  }

  *begin(): Generator<MessageStreamItem> {
    yield event({
      type: 'message_start',
      message: {
        id: this.#options.id,
        type: 'message',
        role: 'assistant',
        content: [],
        model: this.#options.model,
        stop_reason: null,
        stop_sequence: null,
        // Upstreams report usage at the end; message_delta carries it, input included (§3.3).
        usage: toAnthropicUsage(undefined),
      },
    });
    yield event({ type: 'ping' });
  }

  *translate(part: LanguageModelV3StreamPart): Generator<MessageStreamItem> {
    const { isThinking } = this.#options;
    switch (part.type) {
      case 'text-start':
        yield* this.#start(part.id, { type: 'text', text: '' });
        break;
      case 'text-delta':
        if (part.delta === '') break;
        if (!this.#isOpen(part.id)) yield* this.#start(part.id, { type: 'text', text: '' });
        yield event({
          type: 'content_block_delta',
          index: this.#nextIndex - 1,
          delta: { type: 'text_delta', text: part.delta },
        });
        break;
      case 'reasoning-start':
        if (isThinking) yield* this.#start(part.id, { type: 'thinking', thinking: '', signature: '' });
        break;
      case 'reasoning-delta':
        if (!isThinking || part.delta === '') break;
        if (!this.#isOpen(part.id)) yield* this.#start(part.id, { type: 'thinking', thinking: '', signature: '' });
        yield event({
          type: 'content_block_delta',
          index: this.#nextIndex - 1,
          delta: { type: 'thinking_delta', thinking: part.delta },
        });
        break;
      case 'reasoning-end':
        if (!isThinking || !this.#isOpen(part.id)) break;
        yield event({
          type: 'content_block_delta',
          index: this.#nextIndex - 1,
          delta: { type: 'signature_delta', signature: sealThinkingSignature(part.providerMetadata) },
        });
        yield* this.#close();
        break;
      case 'tool-input-start':
        this.#streamedCalls.add(part.id);
        yield* this.#start(part.id, { type: 'tool_use', id: part.id, name: part.toolName, input: {} });
        break;
      case 'tool-input-delta':
        if (!this.#isOpen(part.id) || part.delta === '') break;
        yield event({
          type: 'content_block_delta',
          index: this.#nextIndex - 1,
          delta: { type: 'input_json_delta', partial_json: part.delta },
        });
        break;
      case 'text-end':
      case 'tool-input-end':
        if (this.#isOpen(part.id)) yield* this.#close();
        break;
      case 'tool-call':
        if (this.#streamedCalls.has(part.toolCallId)) {
          if (this.#isOpen(part.toolCallId)) yield* this.#close();
          break;
        }
        // Providers that do not stream arguments send the whole call at once.
        yield* this.#start(part.toolCallId, { type: 'tool_use', id: part.toolCallId, name: part.toolName, input: {} });
        if (part.input !== '' && part.input !== '{}') {
          yield event({
            type: 'content_block_delta',
            index: this.#nextIndex - 1,
            delta: { type: 'input_json_delta', partial_json: part.input },
          });
        }
        yield* this.#close();
        break;
      case 'error':
        this.isDone = true;
        yield { kind: 'error', error: part.error };
        return;
      case 'finish': {
        this.isDone = true;
        yield* this.#close();
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

  /** The parts ended without a finish (or an error): the answer is broken off. */
  *end(): Generator<MessageStreamItem> {
    yield { kind: 'error', error: new Error('The upstream ended the answer without finishing it.') };
  }

  *#close(): Generator<MessageStreamItem> {
    if (this.#open == null) return;
    yield event({ type: 'content_block_stop', index: this.#open.index });
    this.#open = undefined;
  }

  *#start(partId: string, block: AnthropicContentBlock): Generator<MessageStreamItem> {
    yield* this.#close();
    this.#open = { partId, index: this.#nextIndex++ };
    yield event({ type: 'content_block_start', index: this.#open.index, content_block: block });
  }

  #isOpen(partId: string): boolean {
    return this.#open?.partId === partId;
  }
}

/** Unknown counts become 0: Anthropic's usage has no nulls for these, and clients add them up. */
function toAnthropicUsage(usage: LanguageModelV3Usage | undefined): AnthropicUsage {
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
