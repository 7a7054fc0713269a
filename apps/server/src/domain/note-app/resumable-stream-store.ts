import type { AiStreamEvent } from '@pag/contracts';
import { GatewayError } from '../gateway-error.ts';
import { randomId } from '../random-id.ts';
import type { ErrorDescription } from './to-note-app-events.ts';

/** One event of a stream with the id it was first sent under (1, 2, 3 … per stream). */
export type StoredStreamEvent = { id: number; event: AiStreamEvent };

export type ResumableStreamSettings = {
  /** How long the upstream keeps running while no client reads the stream (0: stop at once). */
  graceMs: number;
  /** How long an ended stream can still be read again. */
  retentionMs: number;
  /** Past this many (approximate) bytes of events a stream stops being resumable. */
  maxBytesPerStream: number;
  /** All streams' events together; ended streams are dropped first, then the growing stream stops being resumable. */
  maxTotalBytes: number;
  /** The clock retention is measured on (injected: tests move it). */
  now: () => number;
};

/**
 * How much unread text a stream that is no longer resumable may hold before its producer waits for the reader: about
 * one socket buffer, so a slow reader holds the upstream back (docs/architecture.md §3.9) instead of the gateway
 * holding the answer.
 */
const UNRESUMABLE_WINDOW_BYTES = 64 * 1024;
/** Per-event bookkeeping (id, type, JSON framing) on top of a text event's text. */
const EVENT_OVERHEAD_BYTES = 48;

type Reader = { cursor: number; isDetached: boolean; wake: (() => void) | undefined };
type HeldEvent = StoredStreamEvent & { bytes: number };

type Entry = {
  streamId: string;
  userId: string;
  /** Events still held, in id order; `events[0].id === firstId`. Trimmed only once the stream is not resumable. */
  events: HeldEvent[];
  firstId: number;
  nextId: number;
  heldBytes: number;
  isResumable: boolean;
  isEnded: boolean;
  /** Dropped from the store (expired, evicted, shut down); a response still reading it finishes from what it holds. */
  isDeleted: boolean;
  expiresAt: number | undefined;
  readers: Set<Reader>;
  upstream: AbortController;
  graceTimer: NodeJS.Timeout | undefined;
  retentionTimer: NodeJS.Timeout | undefined;
  wakeProducer: (() => void) | undefined;
};

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The note-app streams of this process, decoupled from the HTTP responses that read them (docs/note-app-api.md,
 * "Resuming a stream"). A producer runs the upstream answer into the store; every response — the first one and
 * any resumed one — reads from the store by its own cursor, so a response that falls behind reads held events
 * instead of anything being buffered on its behalf. While no response reads a stream the upstream keeps running
 * for the grace period, then it is aborted (no quota burns for nobody) and the stream ends with `stream_abandoned`.
 * Memory is bounded: a stream past its cap (or the store past its total) stops being resumable, keeps only what its
 * live reader has not read yet, and from then on its producer waits for that reader. Ended streams are kept for the
 * retention period. Everything lives in memory: a restart forgets every stream.
 */
export class ResumableStreamStore {
  readonly #settings: ResumableStreamSettings;
  readonly #entries = new Map<string, Entry>();
  #totalBytes = 0;
  #isClosed = false;

  constructor(settings: ResumableStreamSettings) {
    this.#settings = settings;
  }

  /** Bytes held across every stream (approximate), for tests and diagnostics. */
  get heldBytes(): number {
    return this.#totalBytes;
  }

  /**
   * Starts an answer and its stream. `start` gets the upstream's abort signal; until it resolved (the answer's first
   * output, docs/architecture.md §3.6) the client leaving aborts it as before, and its errors are thrown to the
   * route as plain HTTP errors. From then on the stream owns the upstream: the first response is attached as the
   * stream's first reader, and `clientSignal` only detaches it.
   */
  async open<T>(options: {
    userId: string;
    clientSignal: AbortSignal;
    start: (upstreamSignal: AbortSignal) => Promise<T>;
    toEvents: (started: T) => AsyncIterable<AiStreamEvent>;
    /** A failure of the answer after it started, as the `error` event tells it. */
    describeError: (error: unknown) => ErrorDescription;
  }): Promise<{ streamId: string; started: T; events: AsyncIterable<StoredStreamEvent> }> {
    if (this.#isClosed) throw new GatewayError('service_unavailable', 'The gateway is shutting down; try again.');
    const { clientSignal } = options;
    const upstream = new AbortController();
    const forwardAbort = () => upstream.abort(clientSignal.reason);
    clientSignal.addEventListener('abort', forwardAbort, { once: true });
    if (clientSignal.aborted) forwardAbort();
    let started: T;
    try {
      started = await options.start(upstream.signal);
    } finally {
      clientSignal.removeEventListener('abort', forwardAbort);
    }
    const entry: Entry = {
      streamId: `ais_${randomId(16, 'base64url')}`,
      userId: options.userId,
      events: [],
      firstId: 1,
      nextId: 1,
      heldBytes: 0,
      isResumable: true,
      isEnded: false,
      isDeleted: false,
      expiresAt: undefined,
      readers: new Set(),
      upstream,
      graceTimer: undefined,
      retentionTimer: undefined,
      wakeProducer: undefined,
    };
    this.#entries.set(entry.streamId, entry);
    const events = this.#follow(entry, 0, clientSignal);
    void this.#produce(entry, options.toEvents(started), options.describeError);
    // The client left between its answer starting and this point: it never learnt the stream id.
    if (clientSignal.aborted) this.#abandon(entry);
    return { streamId: entry.streamId, started, events };
  }

  /**
   * The events of the caller's own stream after `lastEventId` (the `Last-Event-ID` header; absent or empty: from
   * the first), as first sent, then live until the stream ends. A stream that does not exist, expired, passed its
   * memory cap or belongs to someone else is `stream_not_found` alike: the answer never confirms a stream exists.
   */
  resume(options: {
    streamId: string;
    userId: string;
    lastEventId: string | undefined;
    clientSignal: AbortSignal;
  }): AsyncIterable<StoredStreamEvent> {
    const afterId = parseLastEventId(options.lastEventId);
    const entry = this.#ownEntry(options.streamId, options.userId, { mustBeResumable: true });
    return this.#follow(entry, afterId, options.clientSignal);
  }

  /** The caller's own stream, or `stream_not_found` alike for every other case: never confirm a stream exists. */
  #ownEntry(streamId: string, userId: string, options: { mustBeResumable: boolean }): Entry {
    const entry = this.#entries.get(streamId);
    // The retention timer may not have run yet (or the clock was moved): expiry is decided by the clock.
    if (entry?.expiresAt != null && this.#settings.now() >= entry.expiresAt) this.#delete(entry);
    if (
      entry == null ||
      entry.isDeleted ||
      entry.userId !== userId ||
      (options.mustBeResumable && !entry.isResumable)
    ) {
      throw new GatewayError(
        'stream_not_found',
        'There is no stream with this id: it ended too long ago, was too long to keep, or was never ' +
          'started with your credentials. Send the request again.',
      );
    }
    return entry;
  }

  /**
   * The owner stops the answer (a Stop button): the upstream is aborted now rather than after the grace period, and
   * the stream ends with a `stream_cancelled` event for any reader still attached. An ended stream stays as it was.
   * Not the owner's, unknown or expired: `stream_not_found`, as for `resume`.
   */
  cancel(options: { streamId: string; userId: string }): void {
    const entry = this.#ownEntry(options.streamId, options.userId, { mustBeResumable: false });
    this.#finish(entry, { code: 'stream_cancelled', message: 'The answer was stopped.', retryAfter: null });
  }

  /**
   * Shutdown: nothing waits any more. An answer nobody reads is aborted now (its stream ends with
   * `service_unavailable`); one a client is reading drains like any in-flight request; ended streams and every
   * timer are dropped, and from now on a client that leaves aborts its answer at once.
   */
  close(): void {
    this.#isClosed = true;
    for (const entry of this.#entries.values()) {
      if (entry.isEnded) this.#delete(entry);
      else if (entry.readers.size === 0) {
        this.#finish(entry, {
          code: 'service_unavailable',
          message: 'The gateway is shutting down; send the request again in a moment.',
          retryAfter: null,
        });
      }
    }
  }

  /** A reader attached now (so a client that comes back within grace counts at once) with its own cursor. */
  #follow(entry: Entry, afterId: number, signal: AbortSignal): AsyncIterable<StoredStreamEvent> {
    const reader: Reader = { cursor: afterId, isDetached: false, wake: undefined };
    entry.readers.add(reader);
    clearTimeout(entry.graceTimer);
    entry.graceTimer = undefined;
    // The client leaving detaches at once, even while the response waits for the next event of a silent upstream.
    const detach = () => {
      signal.removeEventListener('abort', detach);
      this.#detach(entry, reader);
    };
    signal.addEventListener('abort', detach, { once: true });
    if (signal.aborted) detach();
    const iterator: AsyncIterator<StoredStreamEvent> = {
      next: async () => {
        for (;;) {
          if (reader.isDetached) return DONE;
          const held = entry.events[reader.cursor + 1 - entry.firstId];
          if (held != null) {
            reader.cursor = held.id;
            if (!entry.isResumable) this.#trimRead(entry);
            return { done: false, value: { id: held.id, event: held.event } };
          }
          if (entry.isEnded) {
            detach();
            return DONE;
          }
          await new Promise<void>((resolve) => {
            reader.wake = resolve;
          });
          reader.wake = undefined;
        }
      },
      return: async () => {
        detach();
        return DONE;
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  #detach(entry: Entry, reader: Reader): void {
    if (reader.isDetached) return;
    reader.isDetached = true;
    entry.readers.delete(reader);
    reader.wake?.();
    if (!entry.isResumable) this.#trimRead(entry);
    if (entry.readers.size > 0) return;
    if (entry.isEnded) {
      // Nobody can read a stream that is neither resumable nor read any more.
      if (!entry.isResumable) this.#delete(entry);
      return;
    }
    if (!entry.isResumable || this.#settings.graceMs === 0 || this.#isClosed) {
      this.#abandon(entry);
      return;
    }
    entry.graceTimer = setTimeout(() => this.#abandon(entry), this.#settings.graceMs);
    entry.graceTimer.unref();
  }

  async #produce(
    entry: Entry,
    events: AsyncIterable<AiStreamEvent>,
    describeError: (error: unknown) => ErrorDescription,
  ): Promise<void> {
    try {
      for await (const event of events) {
        // Abandoned or shut down: leaving the loop closes the answer's parts, and with them the upstream body.
        if (entry.isEnded) break;
        this.#append(entry, event);
        if (!entry.isResumable && entry.readers.size === 0) this.#abandon(entry);
        if (!entry.isResumable && entry.heldBytes > UNRESUMABLE_WINDOW_BYTES && !entry.isEnded) {
          await new Promise<void>((resolve) => {
            entry.wakeProducer = resolve;
          });
          entry.wakeProducer = undefined;
        }
      }
    } catch (error) {
      // After an abandonment the upstream's abort surfaces here; the stream already says why it ended.
      if (!entry.isEnded) this.#append(entry, { type: 'error', ...describeError(error) });
    } finally {
      this.#end(entry);
    }
  }

  #append(entry: Entry, event: AiStreamEvent): void {
    const bytes = estimateBytes(event);
    if (entry.isResumable) {
      if (entry.heldBytes + bytes > this.#settings.maxBytesPerStream) this.#stopResuming(entry);
      else {
        this.#dropEndedStreams(bytes);
        if (this.#totalBytes + bytes > this.#settings.maxTotalBytes) this.#stopResuming(entry);
      }
    }
    entry.events.push({ id: entry.nextId, event, bytes });
    entry.nextId += 1;
    entry.heldBytes += bytes;
    if (!entry.isDeleted) this.#totalBytes += bytes;
    for (const reader of entry.readers) reader.wake?.();
  }

  /** Oldest ended streams first, until `bytes` more fit in the total (or none is left to drop). */
  #dropEndedStreams(bytes: number): void {
    for (const candidate of this.#entries.values()) {
      if (this.#totalBytes + bytes <= this.#settings.maxTotalBytes) return;
      if (candidate.isEnded) this.#delete(candidate);
    }
  }

  /** The stream is too big to keep: it can no longer be resumed; its live readers read on as before. */
  #stopResuming(entry: Entry): void {
    entry.isResumable = false;
    this.#trimRead(entry);
  }

  /** A stream that is not resumable holds only what one of its readers has still to read. */
  #trimRead(entry: Entry): void {
    let readUpTo = entry.nextId - 1;
    for (const reader of entry.readers) readUpTo = Math.min(readUpTo, reader.cursor);
    let count = 0;
    while (count < entry.events.length && (entry.events[count]?.id ?? Number.POSITIVE_INFINITY) <= readUpTo) {
      const bytes = entry.events[count]?.bytes ?? 0;
      entry.heldBytes -= bytes;
      if (!entry.isDeleted) this.#totalBytes -= bytes;
      count += 1;
    }
    if (count > 0) {
      entry.events.splice(0, count);
      entry.firstId += count;
    }
    if (entry.heldBytes <= UNRESUMABLE_WINDOW_BYTES) entry.wakeProducer?.();
  }

  /** Nobody read the stream for the grace period (or nobody can): stop the upstream and say so in the stream. */
  #abandon(entry: Entry): void {
    const graceSeconds = Math.round(this.#settings.graceMs / 1000);
    const why = entry.isResumable
      ? `No client read this answer for ${graceSeconds} seconds`
      : 'The client left an answer too long to keep for resuming';
    this.#finish(entry, {
      code: 'stream_abandoned',
      message: `${why}, so the gateway stopped it. Send the request again.`,
      retryAfter: null,
    });
  }

  /** Ends a running stream from outside its producer: one last `error` event, then the upstream is aborted. */
  #finish(entry: Entry, error: ErrorDescription): void {
    if (entry.isEnded) return;
    this.#append(entry, { type: 'error', ...error });
    this.#end(entry);
    entry.upstream.abort(new Error(error.message));
  }

  #end(entry: Entry): void {
    if (entry.isEnded) return;
    entry.isEnded = true;
    clearTimeout(entry.graceTimer);
    entry.graceTimer = undefined;
    entry.wakeProducer?.();
    for (const reader of entry.readers) reader.wake?.();
    if ((!entry.isResumable && entry.readers.size === 0) || this.#isClosed) {
      this.#delete(entry);
      return;
    }
    entry.expiresAt = this.#settings.now() + this.#settings.retentionMs;
    entry.retentionTimer = setTimeout(() => this.#delete(entry), this.#settings.retentionMs);
    entry.retentionTimer.unref();
  }

  #delete(entry: Entry): void {
    if (entry.isDeleted) return;
    entry.isDeleted = true;
    this.#entries.delete(entry.streamId);
    clearTimeout(entry.graceTimer);
    clearTimeout(entry.retentionTimer);
    this.#totalBytes -= entry.heldBytes;
  }
}

/** `Last-Event-ID`: the id of the last event the client has, a whole number; absent or empty means none yet. */
function parseLastEventId(value: string | undefined): number {
  if (value == null || value.trim() === '') return 0;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new GatewayError(
      'invalid_request',
      'Last-Event-ID (or lastEventId) must be the id of the last event you received, a whole number such as 12.',
    );
  }
  return Number(value.trim());
}

/** Roughly what an event costs in memory: its text and a fixed overhead (no JSON encoding per delta). */
function estimateBytes(event: AiStreamEvent): number {
  if (event.type === 'delta' || event.type === 'reasoning') return event.text.length + EVENT_OVERHEAD_BYTES;
  return JSON.stringify(event).length + EVENT_OVERHEAD_BYTES;
}
