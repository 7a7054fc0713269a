import type { Readable } from 'node:stream';
import type { UpstreamBodyReader } from './post-upstream.ts';
import type { ReadResult } from './read-result.ts';

const DONE: ReadResult<Uint8Array> = { done: true, value: undefined };

/**
 * A Node stream body (undici's) read chunk by chunk: a chunk that arrives while a read waits is handed to it at
 * once; one that arrives while nobody reads is kept and the body paused, so nothing more is taken until asked for
 * and undici stops reading the socket once the body's own buffer is full (backpressure, as the stream's iterator
 * gives it). The end is the body finishing; an error, or a close before the end, is thrown.
 *
 * Hand-rolled instead of the body's async iterator, which is an async generator over `readable` events: each
 * chunk of a relayed stream cost a generator step and three promises on top of the caller's, a trip through the
 * body's buffer and a `process.nextTick` for the `readable` event, and each open stream kept the suspended
 * generator's frame (issue 22 heap, allocation and CPU profiles). Here a flowing body emits each chunk straight to
 * the waiting read: one promise a chunk. `cancel` destroys the body, which lets the connection go.
 */
export function readNodeBody(body: Readable): UpstreamBodyReader {
  /** Chunks that arrived while no read waited (the body is paused meanwhile). */
  const arrived: Uint8Array[] = [];
  let resolveWaiting: ((result: ReadResult<Uint8Array>) => void) | null = null;
  let rejectWaiting: ((error: unknown) => void) | null = null;
  // undefined while the body is open; null once it ended; the error it failed with.
  let outcome: Error | null | undefined;
  const waitForChunk = (resolve: (result: ReadResult<Uint8Array>) => void, reject: (error: unknown) => void) => {
    resolveWaiting = resolve;
    rejectWaiting = reject;
  };
  body.on('data', (chunk: Uint8Array) => {
    const resolve = resolveWaiting;
    if (resolve !== null) {
      resolveWaiting = null;
      rejectWaiting = null;
      resolve({ done: false, value: chunk });
      return;
    }
    arrived.push(chunk);
    body.pause();
  });
  const settle = (error: Error | null) => {
    if (outcome !== undefined) return;
    outcome = error;
    const resolve = resolveWaiting;
    const reject = rejectWaiting;
    resolveWaiting = null;
    rejectWaiting = null;
    if (error === null) resolve?.(DONE);
    else reject?.(error);
  };
  // The three ways a body finishes, as `stream.finished` tells them apart — without its dozen closures per stream.
  body.on('end', () => settle(null));
  body.on('error', (error: Error) => settle(error));
  // Built only for a body that closed before its end: an Error (its stack trace) on every close cost 10-15 µs of
  // every upstream answer (issue 22 profile).
  body.on('close', () => {
    if (outcome === undefined) settle(prematureClose());
  });
  return {
    read() {
      const chunk = arrived.shift();
      if (chunk !== undefined) return Promise.resolve({ done: false, value: chunk });
      if (outcome === null) return Promise.resolve(DONE);
      if (outcome !== undefined) return Promise.reject(outcome);
      if (body.isPaused()) body.resume();
      return new Promise(waitForChunk);
    },
    async cancel() {
      // Destroying an undici body emits its AbortError as an 'error' event, which ends the reads.
      body.destroy();
    },
  };
}

/** The error a stream closed before its end fails with (Node's own `ERR_STREAM_PREMATURE_CLOSE`). */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
