import { randomUUID } from 'node:crypto';
import type {
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  SharedV3ProviderMetadata,
} from '@ai-sdk/provider';
import type { SsePartDecoder } from '../common/start-sse-part-stream.ts';
import { summarizeUpstreamText } from '../errors/summarize-upstream-text.ts';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { ContentDeltaTemplate } from './content-delta-template.ts';
import { convertOpenAiUsage } from './convert-openai-usage.ts';
import { type OpenAiChatChunk, type OpenAiToolCallDelta, parseOpenAiChatChunk } from './parse-openai-chat-chunk.ts';

type Part = LanguageModelV3StreamPart;

/** Chunks a content template is learned from at most: the first text deltas, or none at all for this stream. */
const MAX_TEMPLATE_LEARNINGS = 4;

/** A tool call being streamed: its deltas go out as they come once its name is known. */
type ToolCallState = { id: string; name: string | undefined; arguments: string; isStarted: boolean };

/**
 * Turns a Chat Completions stream (docs/openai-compatible-protocol.md §2) into V3 parts, one event at a time and
 * synchronously: text and reasoning deltas as text and reasoning blocks (one block open at a time, in the order the
 * deltas came), tool-call deltas as tool-input blocks, and at the end exactly one `finish` with the finish reason and
 * the usage of the last chunk. The answer is complete at `[DONE]`; a body that ends without a finish reason was cut
 * off and ends with an `UpstreamConnectionError`.
 *
 * A tool call is complete when a call of a higher `index` begins or the answer ends: servers stream calls one after
 * another, so its arguments are never parsed as they grow.
 */
export class OpenAiChatStreamState implements SsePartDecoder {
  readonly #url: string;
  readonly #providerName: string;
  readonly #includeRawChunks: boolean;
  #isComplete = false;
  #hasMetadata = false;
  /** The open text or reasoning block, if any, and how many of each were opened (their ids). */
  #openBlock: { type: 'text' | 'reasoning'; id: string } | undefined;
  #textBlocks = 0;
  #reasoningBlocks = 0;
  /** By `index`, in the order they began; a finished call is removed. */
  readonly #toolCalls = new Map<number, ToolCallState>();
  #rawFinishReason: string | undefined;
  #hasRefusal = false;
  #hasFailed = false;
  #usage: OpenAiChatChunk['usage'];
  /** Reads this stream's plain text deltas without a full parse, once learned (content-delta-template.ts). */
  #template: ContentDeltaTemplate | undefined;
  /** Chunks a template was tried on; none for raw chunks (each needs its parsed value) or when a test says so. */
  #learnings: number;

  constructor(options: { url: string; providerName: string; includeRawChunks: boolean; usesTemplate?: boolean }) {
    this.#url = options.url;
    this.#providerName = options.providerName;
    this.#includeRawChunks = options.includeRawChunks;
    this.#learnings = options.usesTemplate === false || options.includeRawChunks ? MAX_TEMPLATE_LEARNINGS : 0;
  }

  get isComplete(): boolean {
    return this.#isComplete;
  }

  handleEvent(data: string): Part[] {
    if (data === '[DONE]') {
      this.#isComplete = true;
      return [];
    }
    const templated = this.#template?.read(data);
    if (templated !== undefined) {
      const parts: Part[] = [];
      if (templated !== '') this.#blockDelta('text', templated, parts);
      return parts;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch (error) {
      // A chunk that cannot be read is reported, but does not end the answer by itself (as in the Codex stream).
      return [
        {
          type: 'error',
          error: new UpstreamProtocolError({
            message: `Unparsable upstream chunk: ${summarizeUpstreamText(data) ?? 'empty'}`,
            url: this.#url,
            cause: error,
          }),
        },
      ];
    }
    const parts: Part[] = this.#includeRawChunks ? [{ type: 'raw', rawValue: json }] : [];
    const parsed = parseOpenAiChatChunk(json);
    if (parsed.kind === 'error') {
      parts.push(...this.#fail(parsed.error));
      return parts;
    }
    if (parsed.kind === 'invalid') {
      const error = new UpstreamProtocolError({
        message: `Invalid upstream chunk: ${parsed.problem}.`,
        url: this.#url,
        cause: json,
      });
      parts.push({ type: 'error', error });
      return parts;
    }
    this.#handleChunk(parsed.chunk, parts);
    if (this.#template === undefined && this.#learnings < MAX_TEMPLATE_LEARNINGS) {
      this.#template = ContentDeltaTemplate.learn(data, parsed.chunk);
      this.#learnings++;
    }
    return parts;
  }

  finish(options: { interruptedBy?: unknown } = {}): Part[] {
    const parts: Part[] = [];
    this.#closeBlock(parts);
    for (const call of this.#toolCalls.values()) this.#endToolCall(call, parts);
    this.#toolCalls.clear();
    let finishReason: LanguageModelV3FinishReason;
    if (options.interruptedBy != null || (this.#rawFinishReason == null && !this.#hasFailed)) {
      parts.push(...this.#fail(options.interruptedBy ?? this.#cutOffError()));
    }
    if (this.#hasFailed) finishReason = { unified: 'error', raw: this.#rawFinishReason };
    else finishReason = { unified: this.#unifiedFinishReason(), raw: this.#rawFinishReason };
    parts.push({
      type: 'finish',
      finishReason,
      usage: convertOpenAiUsage(this.#usage),
      providerMetadata: this.#providerMetadata(),
    });
    return parts;
  }

  #handleChunk(chunk: OpenAiChatChunk, parts: Part[]): void {
    if (!this.#hasMetadata) {
      this.#hasMetadata = true;
      parts.push({
        type: 'response-metadata',
        id: chunk.id ?? undefined,
        modelId: chunk.model ?? undefined,
        timestamp: chunk.created != null ? new Date(chunk.created * 1000) : undefined,
      });
    }
    if (chunk.usage != null) this.#usage = chunk.usage;
    // `n` is always 1 here: the first choice is the answer.
    const choice = chunk.choices?.[0];
    if (choice == null) return;
    if (choice.finish_reason != null) this.#rawFinishReason = choice.finish_reason;
    const delta = choice.delta;
    if (delta == null) return;
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning != null && reasoning !== '') this.#blockDelta('reasoning', reasoning, parts);
    const { content } = delta;
    if (typeof content === 'string') {
      if (content !== '') this.#blockDelta('text', content, parts);
    } else if (content != null) {
      // Some servers send content as parts: text parts are text, thinking parts (Mistral's) reasoning.
      for (const part of content) {
        const text = part.type === 'thinking' ? thinkingText(part) : part.type === 'text' ? part.text : undefined;
        if (typeof text === 'string' && text !== '') {
          this.#blockDelta(part.type === 'thinking' ? 'reasoning' : 'text', text, parts);
        }
      }
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      this.#hasRefusal = true;
      this.#blockDelta('text', delta.refusal, parts);
    }
    if (delta.tool_calls != null && delta.tool_calls.length > 0) {
      this.#closeBlock(parts);
      for (const toolCallDelta of delta.tool_calls) this.#toolCallDelta(toolCallDelta, parts);
    }
  }

  #blockDelta(type: 'text' | 'reasoning', delta: string, parts: Part[]): void {
    if (this.#openBlock?.type !== type) {
      this.#closeBlock(parts);
      const id = type === 'text' ? `txt-${this.#textBlocks++}` : `reasoning-${this.#reasoningBlocks++}`;
      this.#openBlock = { type, id };
      parts.push({ type: type === 'text' ? 'text-start' : 'reasoning-start', id });
    }
    const { id } = this.#openBlock;
    parts.push(type === 'text' ? { type: 'text-delta', id, delta } : { type: 'reasoning-delta', id, delta });
  }

  #closeBlock(parts: Part[]): void {
    const block = this.#openBlock;
    if (block == null) return;
    this.#openBlock = undefined;
    parts.push({ type: block.type === 'text' ? 'text-end' : 'reasoning-end', id: block.id });
  }

  #toolCallDelta(delta: OpenAiToolCallDelta, parts: Part[]): void {
    let call = this.#toolCalls.get(delta.index);
    if (call == null) {
      // Calls come one after another: one of a higher index means those before it are complete.
      for (const [index, earlier] of this.#toolCalls) {
        if (index < delta.index) {
          this.#endToolCall(earlier, parts);
          this.#toolCalls.delete(index);
        }
      }
      call = { id: delta.id ?? `call_${randomUUID()}`, name: undefined, arguments: '', isStarted: false };
      this.#toolCalls.set(delta.index, call);
    }
    const name = delta.function?.name;
    if (name != null && name !== '' && call.name == null) call.name = name;
    const argumentsDelta = delta.function?.arguments ?? '';
    call.arguments += argumentsDelta;
    if (!call.isStarted) {
      // Some servers send the id before the name: the block starts once the name is known, with what came before.
      if (call.name == null) return;
      call.isStarted = true;
      parts.push({ type: 'tool-input-start', id: call.id, toolName: call.name });
      if (call.arguments !== '') parts.push({ type: 'tool-input-delta', id: call.id, delta: call.arguments });
      return;
    }
    if (argumentsDelta !== '') parts.push({ type: 'tool-input-delta', id: call.id, delta: argumentsDelta });
  }

  #endToolCall(call: ToolCallState, parts: Part[]): void {
    if (call.name == null) {
      this.#fail(
        new UpstreamProtocolError({
          message: 'A streamed tool call never named its tool.',
          url: this.#url,
          cause: call,
        }),
        parts,
      );
      return;
    }
    parts.push({ type: 'tool-input-end', id: call.id });
    // A call without arguments takes none: `{}` is the JSON text for that.
    parts.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.arguments || '{}' });
  }

  #unifiedFinishReason(): LanguageModelV3FinishReason['unified'] {
    switch (this.#rawFinishReason) {
      case 'stop':
        return this.#hasRefusal ? 'content-filter' : 'stop';
      case 'length':
        return 'length';
      case 'content_filter':
        return 'content-filter';
      case 'tool_calls':
      case 'function_call':
        return 'tool-calls';
      default:
        return 'other';
    }
  }

  #providerMetadata(): SharedV3ProviderMetadata {
    const details = this.#usage?.completion_tokens_details;
    return {
      [this.#providerName]: {
        ...(details?.accepted_prediction_tokens != null
          ? { acceptedPredictionTokens: details.accepted_prediction_tokens }
          : {}),
        ...(details?.rejected_prediction_tokens != null
          ? { rejectedPredictionTokens: details.rejected_prediction_tokens }
          : {}),
      },
    };
  }

  /** An error that ends the answer (an error chunk, a cut-off body): its finish reason becomes `error`. */
  #fail(error: unknown, parts: Part[] = []): Part[] {
    this.#hasFailed = true;
    parts.push({ type: 'error', error });
    return parts;
  }

  #cutOffError(): UpstreamConnectionError {
    // OpenAI and every compatible server end an answer with a finish reason: without one the body was cut off.
    return new UpstreamConnectionError({
      message: 'The stream ended before a finish reason.',
      url: this.#url,
      cause: undefined,
    });
  }
}

/** Mistral's thinking part: `{ type: 'thinking', thinking: [{ type: 'text', text }] }`, its texts joined. */
function thinkingText(part: { thinking?: unknown }): string | undefined {
  if (!Array.isArray(part.thinking)) return undefined;
  let text = '';
  for (const item of part.thinking as Array<{ type?: unknown; text?: unknown } | null>) {
    if (item?.type === 'text' && typeof item.text === 'string') text += item.text;
  }
  return text;
}
