import type { ReasoningOutput } from '@pag/contracts';
import { toOpenAiProviderError, UpstreamConnectionError, UpstreamProtocolError } from '@pag/providers';
import type { ChatCompletionUsage } from './chat-completion-shapes.ts';
import { readRelayedUsage } from './relayed-usage.ts';
import { takeReasoning } from './take-reasoning.ts';
import { type ChatStreamItem, THINK_CLOSE, THINK_OPEN } from './to-chat-completion-chunks.ts';

type Chunk = Record<string, unknown> & { choices?: unknown };
type Choice = Record<string, unknown> & { delta?: unknown; finish_reason?: unknown };

/** The relayed items, one `next()` at a time; `peek` waits for the first without taking it. */
export type RelayedChatItems = AsyncIterableIterator<ChatStreamItem> & {
  /** The next item, left in place to be taken by `next()`; undefined when the items ended without one. */
  peek(): Promise<ChatStreamItem | undefined>;
  return(): Promise<IteratorResult<ChatStreamItem, undefined>>;
};

type RelayOptions = { model: string; includeUsage: boolean; reasoningOutput: ReasoningOutput; url: string };

const DONE: IteratorResult<ChatStreamItem, undefined> = { done: true, value: undefined };

/**
 * A relayed `chat.completion.chunk` stream (the `data` of each upstream event) as the items the route writes — the
 * same vocabulary as `toChatCompletionChunks`, so both paths share one writer. Each chunk is the upstream's own,
 * changed only where the gateway's contract says: the model is the gateway's name, reasoning is shown as the key
 * says, and the usage the gateway always asks for is dropped again when the client did not ask for it. The
 * upstream's `[DONE]` is not repeated (the writer sends its own); anything after it is ignored but still read, so
 * the upstream connection stays reusable — aside: the items end at `[DONE]`, so the client gets its end in the same
 * write as the last chunks instead of one more when the upstream's own end arrives (issue 22: a write is a system
 * call, the relay's largest cost per chunk). An error item (an error chunk, an unparsable one, a stream cut before
 * its finish) is the last; the upstream is no longer read after it.
 *
 * An iterator object, not an async generator: this is the per-chunk path of every relayed stream, and a generator
 * (with the `prepend` that put the peeked first item back) cost each chunk two generator steps with their promises
 * and each open stream two suspended frames (issue 22 profiles). Each event is amended synchronously as it is read,
 * and an item already amended is handed out without waiting.
 */
export function relayChatCompletionChunks(events: AsyncIterator<string>, options: RelayOptions): RelayedChatItems {
  return new ChatChunkRelay(events, options);
}

class ChatChunkRelay implements RelayedChatItems {
  readonly #events: AsyncIterator<string>;
  readonly #options: RelayOptions;
  /** Items amended but not yet taken: at most the few of one upstream event. */
  readonly #pending: ChatStreamItem[] = [];
  /** No more events are read: the upstream ended, failed, or an error item ended the answer. */
  #isOver = false;
  #isFinished = false;
  #isThinking = false;
  #usage: ChatCompletionUsage | null = null;

  constructor(events: AsyncIterator<string>, options: RelayOptions) {
    this.#events = events;
    this.#options = options;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatStreamItem, undefined>> {
    if (this.#pending.length > 0 || this.#isOver) return Promise.resolve(this.#take());
    return this.#readEvent();
  }

  async peek(): Promise<ChatStreamItem | undefined> {
    const next = await this.next();
    if (next.done === true) return undefined;
    // Put back in front, for `next()` to take.
    this.#pending.unshift(next.value);
    return next.value;
  }

  async return(): Promise<IteratorResult<ChatStreamItem, undefined>> {
    this.#pending.length = 0;
    await this.#stopReading();
    return DONE;
  }

  #take(): IteratorResult<ChatStreamItem, undefined> {
    const item = this.#pending.shift();
    return item === undefined ? DONE : { done: false, value: item };
  }

  /**
   * Reads events until one gives an item, or the events end (with the closing items), and takes the first. A promise
   * chain with handlers made once per stream, not an async function: no frame is allocated and kept per chunk.
   */
  #readEvent(): Promise<IteratorResult<ChatStreamItem, undefined>> {
    return this.#events.next().then(this.#onEvent, this.#onReadFailure);
  }

  readonly #onEvent = (
    next: IteratorResult<string>,
  ): IteratorResult<ChatStreamItem, undefined> | Promise<IteratorResult<ChatStreamItem, undefined>> => {
    if (next.done === true) {
      this.#isOver = true;
      this.#end();
    } else {
      this.#amend(next.value);
    }
    // An event may give no item (hidden reasoning, a dropped usage chunk): then the next one is read.
    return this.#pending.length > 0 || this.#isOver ? this.#take() : this.#readEvent();
  };

  readonly #onReadFailure = (error: unknown): never => {
    // A read failure ends the items: it is thrown to the caller as it was thrown here.
    this.#isOver = true;
    throw error;
  };

  async #stopReading(): Promise<void> {
    if (this.#isOver) return;
    this.#isOver = true;
    await this.#events.return?.();
  }

  #fail(error: unknown): void {
    this.#pending.push({ kind: 'error', error });
    // Stops reading the upstream, which frees its connection; nothing waits for it.
    void this.#stopReading().catch(() => {});
  }

  #end(): void {
    if (!this.#isFinished) {
      this.#pending.push({
        kind: 'error',
        error: new UpstreamConnectionError({
          message: 'The upstream ended the answer without finishing it.',
          url: this.#options.url,
          cause: undefined,
        }),
      });
      return;
    }
    if (this.#usage != null) this.#pending.push({ kind: 'usage', usage: this.#usage });
  }

  /** One upstream event: its chunk amended into the pending items (none, one, or a closing tag and the chunk). */
  #amend(data: string): void {
    const options = this.#options;
    if (data === '[DONE]') {
      this.#isOver = true;
      this.#end();
      void drain(this.#events);
      return;
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch (error) {
      this.#fail(protocolError(`Unparsable upstream chunk: ${data.slice(0, 200)}`, options, error));
      return;
    }
    if (typeof chunk !== 'object' || chunk == null || Array.isArray(chunk)) {
      this.#fail(protocolError('An upstream chunk is not a JSON object.', options, chunk));
      return;
    }
    if (chunk.error != null) {
      this.#fail(toOpenAiProviderError(chunk.error, { url: options.url }));
      return;
    }
    chunk.model = options.model;
    const chunkUsage = readRelayedUsage(chunk.usage);
    if (chunkUsage != null) this.#usage = chunkUsage;
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Choice[]) : [];
    if (!options.includeUsage) {
      if (choices.length === 0 && chunkUsage != null) return;
      delete chunk.usage;
    }
    for (const choice of choices) {
      if (choice.finish_reason != null) this.#isFinished = true;
      const delta = choice.delta;
      if (typeof delta !== 'object' || delta == null) continue;
      const reasoning = takeReasoning(delta as Record<string, unknown>);
      if (options.reasoningOutput === 'think-tags') {
        // Reasoning goes into the content between <think> and </think>, closed by whatever output comes next.
        const record = delta as Record<string, unknown>;
        const hasOutput =
          (typeof record.content === 'string' && record.content !== '') ||
          record.tool_calls != null ||
          choice.finish_reason != null;
        if (reasoning !== '') {
          const opened = this.#isThinking ? reasoning : `${THINK_OPEN}${reasoning}`;
          const content = typeof record.content === 'string' ? record.content : '';
          this.#isThinking = !hasOutput;
          record.content = hasOutput ? `${opened}${THINK_CLOSE}${content}` : opened;
        } else if (this.#isThinking && hasOutput) {
          this.#isThinking = false;
          if (record.tool_calls == null) {
            record.content = `${THINK_CLOSE}${typeof record.content === 'string' ? record.content : ''}`;
          } else {
            // A tool-call delta carries no content in OpenAI's stream: the closing tag goes in a chunk before it.
            this.#pending.push({ kind: 'chunk', chunk: closingChunk(chunk, choice) });
          }
        }
      } else if (reasoning !== '' && options.reasoningOutput === 'field') {
        (delta as Record<string, unknown>).reasoning_content = reasoning;
      }
    }
    if (isEmptyChunk(choices, chunk)) return;
    this.#pending.push({ kind: 'chunk', chunk });
  }
}

/** Reads what the upstream sends after `[DONE]` to its end, unused, so its connection can be reused. */
async function drain(events: AsyncIterator<string>): Promise<void> {
  try {
    for (let next = await events.next(); next.done !== true; next = await events.next()) {
      // Ignored, as OpenAI's clients ignore anything after `[DONE]`.
    }
  } catch {
    // A failure after the answer is complete (the upstream dropped the connection, the client left and its abort
    // reached the upstream request) changes nothing for the client.
  }
}

/** A chunk left with nothing to say (a reasoning delta with reasoning hidden) is not sent at all. */
function isEmptyChunk(choices: readonly Choice[], chunk: Chunk): boolean {
  if (choices.length !== 1 || chunk.usage != null) return false;
  const [choice] = choices;
  return (
    choice?.finish_reason == null &&
    typeof choice?.delta === 'object' &&
    choice.delta != null &&
    Object.keys(choice.delta).length === 0
  );
}

function closingChunk(chunk: Chunk, choice: Choice): Record<string, unknown> {
  const { usage: _usage, ...envelope } = chunk;
  return {
    ...envelope,
    choices: [{ index: choice.index ?? 0, delta: { content: THINK_CLOSE }, finish_reason: null, logprobs: null }],
  };
}

function protocolError(message: string, options: { url: string }, cause: unknown): UpstreamProtocolError {
  return new UpstreamProtocolError({ message, url: options.url, cause });
}
