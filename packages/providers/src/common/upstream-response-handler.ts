import type { Dispatcher } from 'undici';
import type { UpstreamBodyReader } from './post-upstream.ts';
import type { ReadResult } from './read-result.ts';

type Controller = Dispatcher.DispatchController;

/** undici's headers object: lower-case names, a repeated header's values in an array. */
export type UndiciHeaders = Record<string, string | string[] | undefined>;

/**
 * Bytes kept for a reader that has not asked for them before undici is told to stop reading the socket (the
 * default buffer of undici's own response body, so backpressure starts where it started before).
 */
const HIGH_WATER_MARK_BYTES = 64 * 1024;
const DONE: ReadResult<Uint8Array> = { done: true, value: undefined };
/** Strips a leading byte-order mark, as undici's `body.text()` did. */
const UTF8 = new TextDecoder();

/**
 * undici's dispatch handler for one upstream call, which is also the reader of its body: `started` settles with the
 * status and headers, then each chunk goes straight from undici's parser to the read waiting for it. A chunk that
 * arrives while no read waits is kept; once 64 KiB are kept the controller is paused, so undici stops reading the
 * socket (backpressure, which also pauses the idle timer) until a read takes them.
 *
 * Hand-rolled on undici's public dispatcher API instead of `undici.request`, whose body is a Node Readable:
 * building it, its async-resource wrapper, its abort plumbing, and the stream events and promise chain of reading it
 * cost 18 to 28 µs of every relayed request, about 7% of the gateway's own time (issue 22: both ways alternating
 * request by request in one gateway process; docs/architecture.md §3.2).
 *
 * The caller's abort rejects `started` and any waiting read with the signal's reason at once, and aborts the request:
 * at once when undici has started it, else when it does (it is then dropped unsent; a connection being opened for it
 * is left to finish or time out). `cancel` does the same for a body the caller no longer wants.
 */
export class UpstreamResponseHandler implements Dispatcher.DispatchHandler, UpstreamBodyReader {
  /** The final response's status and headers (a 1xx is skipped), or the failure before them. */
  readonly started: Promise<{ status: number; headers: UndiciHeaders }>;
  #resolveStarted!: (start: { status: number; headers: UndiciHeaders }) => void;
  #rejectStarted!: (error: unknown) => void;
  /** `started` has settled. */
  #isStartSettled = false;
  #controller: Controller | null = null;
  /** An abort that came before undici started the request: applied when it does. */
  #pendingAbort: unknown;
  /** Chunks that arrived while no read waited, and their size. */
  readonly #arrived: Uint8Array[] = [];
  #arrivedBytes = 0;
  #waiting: { resolve: (result: ReadResult<Uint8Array>) => void; reject: (error: unknown) => void } | null = null;
  /** undefined while the body is open; null once it ended; the error it failed with. */
  #outcome: unknown;
  #isSettled = false;
  readonly #signal: AbortSignal | undefined;
  readonly #abortedError: () => Error;

  /**
   * @param signal the caller's abort (already checked not to be aborted)
   * @param abortedError the error for an abort without a reason, and for `cancel` (undici's `RequestAbortedError`)
   */
  constructor(signal: AbortSignal | undefined, abortedError: () => Error) {
    this.started = new Promise((resolve, reject) => {
      this.#resolveStarted = resolve;
      this.#rejectStarted = reject;
    });
    // A failure before the start that nobody awaits any more (the read after it throws it) is not unhandled.
    this.started.catch(() => {});
    this.#signal = signal;
    this.#abortedError = abortedError;
    signal?.addEventListener('abort', this.#onAbort);
  }

  readonly #onAbort = (): void => {
    this.#abort(this.#signal?.reason ?? this.#abortedError());
  };

  /** `reason` is passed on as given, an Error or not, as `undici.request` passes a signal's reason. */
  #abort(reason: unknown): void {
    this.#fail(reason);
    if (this.#controller === null) this.#pendingAbort ??= reason;
    else this.#controller.abort(reason as Error);
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    if (this.#pendingAbort !== undefined) controller.abort(this.#pendingAbort as Error);
  }

  onResponseStart(controller: Controller, statusCode: number, headers: UndiciHeaders): void {
    // A 1xx is followed by the final response.
    if (statusCode < 200) return;
    // undici keeps the raw header bytes on the controller until the answer ends, though nothing reads them after
    // this: some fifteen Buffers per answer, each pinning a slice of Node's buffer pool, 2 to 4 KB with every open
    // stream (issue 22 heap profile).
    controller.rawHeaders = null;
    this.#isStartSettled = true;
    this.#resolveStarted({ status: statusCode, headers });
  }

  onResponseData(controller: Controller, chunk: Uint8Array): void {
    const waiting = this.#waiting;
    if (waiting !== null) {
      this.#waiting = null;
      waiting.resolve({ done: false, value: chunk });
      return;
    }
    this.#arrived.push(chunk);
    this.#arrivedBytes += chunk.byteLength;
    if (this.#arrivedBytes >= HIGH_WATER_MARK_BYTES) controller.pause();
  }

  onResponseEnd(): void {
    this.#settle(null);
  }

  onResponseError(_controller: Controller | null, error: Error): void {
    this.#fail(error);
  }

  read(): Promise<ReadResult<Uint8Array>> {
    const chunk = this.#arrived.shift();
    if (chunk !== undefined) {
      this.#arrivedBytes -= chunk.byteLength;
      // Taken from the queue first: resuming may hand the next chunks over at once.
      if (this.#arrivedBytes < HIGH_WATER_MARK_BYTES && this.#controller?.paused === true) this.#controller.resume();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.#outcome === null) return Promise.resolve(DONE);
    if (this.#isSettled) return Promise.reject(this.#outcome);
    if (this.#waiting !== null) return Promise.reject(new Error('The upstream body is read one chunk at a time.'));
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** Stops reading: what was kept is dropped and, unless the answer had ended, the request is aborted. */
  async cancel(reason?: unknown): Promise<void> {
    this.#arrived.length = 0;
    this.#arrivedBytes = 0;
    if (!this.#isSettled) this.#abort(reason ?? this.#abortedError());
  }

  /** The whole body as text (UTF-8, without a byte-order mark), for error answers and JSON; instead of `read`. */
  async text(): Promise<string> {
    let chunks: Uint8Array[];
    if (this.#outcome === null) {
      // A small answer has usually ended by the time it is asked for (it came with its headers): taken at once,
      // without a promise per chunk.
      chunks = this.#arrived.splice(0);
      this.#arrivedBytes = 0;
    } else {
      chunks = [];
      for (let next = await this.read(); !next.done; next = await this.read()) chunks.push(next.value);
    }
    return UTF8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  }

  #fail(error: unknown): void {
    if (!this.#isStartSettled) {
      this.#isStartSettled = true;
      this.#rejectStarted(error);
    }
    this.#settle(error);
  }

  #settle(outcome: unknown): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    this.#outcome = outcome;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting === null) return;
    if (outcome === null) waiting.resolve(DONE);
    else waiting.reject(outcome);
  }
}
