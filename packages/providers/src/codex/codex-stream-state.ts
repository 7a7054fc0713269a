import type { LanguageModelV3FinishReason, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import type { RateLimitSnapshot } from '../common/rate-limit-snapshot.ts';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import {
  type CodexChunk,
  type CodexFunctionCallItem,
  type CodexOutputItem,
  isCodexFunctionCallItem,
  isCodexMessageItem,
  isCodexReasoningItem,
} from './codex-api.ts';
import { codexIncompleteToProviderError, codexStreamFailureToProviderError } from './codex-error.ts';
import { CODEX_PROVIDER_KEY } from './codex-options.ts';
import type { CodexToolNames } from './codex-tool-names.ts';
import { convertCodexUsage } from './convert-codex-usage.ts';
import { mapCodexFinishReason } from './map-codex-finish-reason.ts';

type Part = LanguageModelV3StreamPart;

type ToolCallState = { callId: string; toolName: string; arguments: string; hasDelta: boolean };

/**
 * Turns Codex SSE chunks into V3 stream parts. Text and reasoning blocks start lazily at their first delta (an error
 * before any content can then still be thrown); `output_item.done` is the authoritative item, because
 * `response.completed.output` may be empty.
 * @see docs/codex-protocol.md §6.2
 */
export class CodexStreamState {
  readonly #url: string;
  readonly #toolNames: CodexToolNames;
  readonly #rateLimits: RateLimitSnapshot | undefined;

  #hasResponseMetadata = false;
  #responseId: string | undefined;
  readonly #openText = new Set<string>();
  /** reasoning item id → ids of its open reasoning blocks */
  readonly #openReasoning = new Map<string, string[]>();
  /** function call item id (`fc_…`) → call */
  readonly #toolCalls = new Map<string, ToolCallState>();
  /** argument deltas that arrived before their `output_item.added` */
  readonly #orphanArgumentDeltas = new Map<string, string>();
  #hasToolCalls = false;
  #finishReason: LanguageModelV3FinishReason = { unified: 'other', raw: undefined };
  #usage: LanguageModelV3Usage = convertCodexUsage(undefined);
  #isTerminal = false;
  #hasFailed = false;
  /** Items already finished (by item id, and `call:<call_id>` for tool calls): a repeat must not reopen a block. */
  readonly #doneItems = new Set<string>();

  constructor(options: { url: string; toolNames: CodexToolNames; rateLimits: RateLimitSnapshot | undefined }) {
    this.#url = options.url;
    this.#toolNames = options.toolNames;
    this.#rateLimits = options.rateLimits;
  }

  /**
   * Whether a `response.in_progress` event would change nothing: the answer's metadata came with an earlier event
   * (it is read from the first lifecycle event only) and the answer goes on. The stream reader then skips such an
   * event without parsing it.
   */
  get ignoresInProgressEvents(): boolean {
    return this.#hasResponseMetadata && !this.#isTerminal;
  }

  handleChunk(chunk: CodexChunk): Part[] {
    // The terminal event (completed, incomplete, failed, error) ends the answer, as it ends the turn for the Codex
    // CLI: anything after it would reopen closed blocks or add a second outcome (found by the fuzz test, issue 16).
    if (this.#isTerminal) return [];
    const parts: Part[] = [];
    switch (chunk.type) {
      case 'response.created':
      case 'response.in_progress':
        if (!this.#hasResponseMetadata) {
          this.#hasResponseMetadata = true;
          const response = chunk.response;
          this.#responseId = response.id ?? undefined;
          parts.push({
            type: 'response-metadata',
            ...(response.id != null ? { id: response.id } : {}),
            ...(response.model != null ? { modelId: response.model } : {}),
            ...(response.created_at != null ? { timestamp: new Date(response.created_at * 1000) } : {}),
          });
        }
        break;

      case 'response.output_item.added':
        if (isCodexFunctionCallItem(chunk.item)) {
          this.#startToolCall(chunk.item, parts);
        }
        break;

      case 'response.output_text.delta':
      case 'response.refusal.delta':
        if (chunk.delta === '' || this.#doneItems.has(chunk.item_id)) break;
        this.#ensureTextStarted(chunk.item_id, parts);
        parts.push({ type: 'text-delta', id: chunk.item_id, delta: chunk.delta });
        break;

      case 'response.reasoning_summary_part.added':
        // Started lazily at the first delta.
        break;

      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        if (chunk.delta === '' || this.#doneItems.has(chunk.item_id)) break;
        const isRawText = chunk.type === 'response.reasoning_text.delta';
        const id = isRawText
          ? `${chunk.item_id}:text:${chunk.content_index ?? 0}`
          : `${chunk.item_id}:${chunk.summary_index ?? 0}`;
        this.#ensureReasoningStarted(chunk.item_id, id, isRawText, parts);
        parts.push({ type: 'reasoning-delta', id, delta: chunk.delta });
        break;
      }

      case 'response.function_call_arguments.delta': {
        if (this.#doneItems.has(chunk.item_id)) break;
        const call = this.#toolCalls.get(chunk.item_id);
        if (call == null) {
          this.#orphanArgumentDeltas.set(
            chunk.item_id,
            (this.#orphanArgumentDeltas.get(chunk.item_id) ?? '') + chunk.delta,
          );
          break;
        }
        call.arguments += chunk.delta;
        call.hasDelta = true;
        parts.push({ type: 'tool-input-delta', id: call.callId, delta: chunk.delta });
        break;
      }

      case 'response.output_item.done':
        this.#finishItem(chunk.item, parts);
        break;

      case 'response.completed':
      case 'response.done':
        this.#closeOpenBlocks(parts);
        this.#isTerminal = true;
        this.#finishReason = mapCodexFinishReason({ status: 'completed', hasToolCalls: this.#hasToolCalls });
        this.#usage = convertCodexUsage(chunk.response.usage);
        break;

      case 'response.incomplete': {
        this.#closeOpenBlocks(parts);
        this.#isTerminal = true;
        this.#usage = convertCodexUsage(chunk.response.usage);
        const reason = chunk.response.incomplete_details?.reason;
        this.#finishReason = mapCodexFinishReason({
          status: 'incomplete',
          incompleteReason: reason,
          hasToolCalls: this.#hasToolCalls,
        });
        // Cut short for a reason other than the output limit or the content filter: a failure, not a finish.
        if (this.#finishReason.unified === 'error') {
          this.#fail(codexIncompleteToProviderError({ url: this.#url, reason }), reason ?? 'incomplete', parts);
        }
        break;
      }

      case 'response.failed':
        this.#closeOpenBlocks(parts);
        this.#isTerminal = true;
        if (chunk.response.usage != null) this.#usage = convertCodexUsage(chunk.response.usage);
        this.#fail(
          codexStreamFailureToProviderError({
            url: this.#url,
            error: chunk.response.error,
            rateLimits: this.#rateLimits,
          }),
          chunk.response.error?.code ?? chunk.response.error?.type,
          parts,
        );
        break;

      case 'error': {
        this.#closeOpenBlocks(parts);
        this.#isTerminal = true;
        const error = chunk.error ?? { code: chunk.code, message: chunk.message };
        this.#fail(
          codexStreamFailureToProviderError({
            url: this.#url,
            error,
            statusCode: chunk.status,
            rateLimits: this.#rateLimits,
          }),
          error.code ?? error.type,
          parts,
        );
        break;
      }

      case 'unknown_chunk':
        break;
    }
    return parts;
  }

  /** An error that does not end the stream by itself (an unparsable chunk). */
  handleError(error: unknown): Part[] {
    return [{ type: 'error', error }];
  }

  /**
   * Closes the stream: open blocks are ended, a stream that stopped before its terminal event gets an error part,
   * and exactly one `finish` comes last.
   */
  finish(options: { interruptedBy?: unknown } = {}): Part[] {
    const parts: Part[] = [];
    this.#closeOpenBlocks(parts);
    if (!this.#isTerminal) {
      this.#fail(options.interruptedBy ?? this.#closedEarlyError(), undefined, parts);
    }
    parts.push({
      type: 'finish',
      finishReason: this.#finishReason,
      usage: this.#usage,
      ...(this.#responseId != null
        ? { providerMetadata: { [CODEX_PROVIDER_KEY]: { responseId: this.#responseId } } }
        : {}),
    });
    return parts;
  }

  #closedEarlyError(): UpstreamConnectionError {
    // Codex itself treats this as a dropped connection ("stream closed before response.completed") and retries.
    return new UpstreamConnectionError({
      message: 'The Codex stream closed before response.completed.',
      url: this.#url,
      cause: undefined,
    });
  }

  #fail(error: unknown, rawReason: string | null | undefined, parts: Part[]) {
    if (this.#hasFailed) return;
    this.#hasFailed = true;
    this.#finishReason = mapCodexFinishReason({
      status: 'failed',
      errorCode: rawReason,
      hasToolCalls: this.#hasToolCalls,
    });
    parts.push({ type: 'error', error });
  }

  #ensureTextStarted(id: string, parts: Part[]) {
    if (this.#openText.has(id)) return;
    this.#openText.add(id);
    parts.push({ type: 'text-start', id });
  }

  #ensureReasoningStarted(itemId: string, id: string, isRawText: boolean, parts: Part[]) {
    const open = this.#openReasoning.get(itemId) ?? [];
    if (open.includes(id)) return;
    open.push(id);
    this.#openReasoning.set(itemId, open);
    parts.push({
      type: 'reasoning-start',
      id,
      providerMetadata: { [CODEX_PROVIDER_KEY]: { itemId, ...(isRawText ? { reasoningText: true } : {}) } },
    });
  }

  #startToolCall(item: CodexFunctionCallItem, parts: Part[]) {
    const key = item.id ?? item.call_id;
    if (this.#toolCalls.has(key) || this.#doneItems.has(key) || this.#doneItems.has(`call:${item.call_id}`)) return;
    // A call id names one tool call for the client; a second item reusing it would interleave two calls' input.
    if ([...this.#toolCalls.values()].some((open) => open.callId === item.call_id)) return;
    const call: ToolCallState = {
      callId: item.call_id,
      toolName: this.#toolNames.fromCodex(item.name),
      arguments: '',
      hasDelta: false,
    };
    this.#toolCalls.set(key, call);
    parts.push({ type: 'tool-input-start', id: call.callId, toolName: call.toolName });
    const early = this.#orphanArgumentDeltas.get(key);
    if (early != null) {
      this.#orphanArgumentDeltas.delete(key);
      call.arguments += early;
      call.hasDelta = true;
      parts.push({ type: 'tool-input-delta', id: call.callId, delta: early });
    }
  }

  #finishItem(item: CodexOutputItem, parts: Part[]) {
    const doneKeys = [item.id, isCodexFunctionCallItem(item) ? `call:${item.call_id}` : undefined].filter(
      (key): key is string => key != null,
    );
    if (doneKeys.some((key) => this.#doneItems.has(key))) return;
    for (const key of doneKeys) this.#doneItems.add(key);
    if (isCodexMessageItem(item)) {
      const id = item.id ?? 'message';
      if (!this.#openText.has(id)) {
        // Nothing was streamed for this item: take its text from the final item.
        const text = (item.content ?? []).map((content) => content.text ?? content.refusal ?? '').join('');
        if (text !== '') {
          this.#ensureTextStarted(id, parts);
          parts.push({ type: 'text-delta', id, delta: text });
        }
      }
      if (this.#openText.delete(id)) parts.push({ type: 'text-end', id });
      return;
    }

    if (isCodexReasoningItem(item)) {
      const itemId = item.id ?? 'reasoning';
      const encryptedContent = item.encrypted_content ?? undefined;
      const metadata = {
        [CODEX_PROVIDER_KEY]: { itemId, ...(encryptedContent != null ? { encryptedContent } : {}) },
      };
      const open = this.#openReasoning.get(itemId);
      this.#openReasoning.delete(itemId);
      if (open != null) {
        for (const id of open) parts.push({ type: 'reasoning-end', id, providerMetadata: metadata });
        return;
      }
      // Nothing streamed: emit the final summary, or an empty block that still carries the encrypted content
      // (needed to replay the reasoning on the next turn).
      const summaries = (item.summary ?? []).map((summary) => summary.text ?? '').filter((text) => text !== '');
      if (summaries.length === 0 && encryptedContent == null) return;
      const texts = summaries.length > 0 ? summaries : [''];
      texts.forEach((text, index) => {
        const id = `${itemId}:${index}`;
        parts.push({ type: 'reasoning-start', id, providerMetadata: { [CODEX_PROVIDER_KEY]: { itemId } } });
        if (text !== '') parts.push({ type: 'reasoning-delta', id, delta: text });
        parts.push({ type: 'reasoning-end', id, providerMetadata: metadata });
      });
      return;
    }

    if (isCodexFunctionCallItem(item)) {
      const key = item.id ?? item.call_id;
      this.#startToolCall(item, parts);
      const call = this.#toolCalls.get(key);
      if (call == null) return;
      this.#toolCalls.delete(key);
      this.#doneItems.add(`call:${call.callId}`);
      const finalArguments = item.arguments ?? call.arguments;
      if (!call.hasDelta && finalArguments !== '') {
        parts.push({ type: 'tool-input-delta', id: call.callId, delta: finalArguments });
      }
      parts.push({ type: 'tool-input-end', id: call.callId });
      parts.push({
        type: 'tool-call',
        toolCallId: call.callId,
        toolName: call.toolName,
        input: finalArguments === '' ? '{}' : finalArguments,
        ...(item.id != null ? { providerMetadata: { [CODEX_PROVIDER_KEY]: { itemId: item.id } } } : {}),
      });
      this.#hasToolCalls = true;
    }
  }

  #closeOpenBlocks(parts: Part[]) {
    for (const id of this.#openText) parts.push({ type: 'text-end', id });
    this.#openText.clear();
    for (const [itemId, ids] of this.#openReasoning) {
      for (const id of ids) {
        parts.push({ type: 'reasoning-end', id, providerMetadata: { [CODEX_PROVIDER_KEY]: { itemId } } });
      }
    }
    this.#openReasoning.clear();
    for (const call of this.#toolCalls.values()) parts.push({ type: 'tool-input-end', id: call.callId });
    this.#toolCalls.clear();
  }
}
