import { createParser } from 'eventsource-parser';
import type { UpstreamBodyReader } from './post-upstream.ts';
import type { ReadResult } from './read-result.ts';
import { toTransportError } from './to-transport-error.ts';

/** The `data` of each event, one `next()` at a time; `return()` stops reading the body. */
export type SseDataIterator = AsyncIterableIterator<string> & {
  return(): Promise<IteratorResult<string, undefined>>;
};

const DONE: IteratorResult<string, undefined> = { done: true, value: undefined };

/**
 * The `data` of each Server-Sent Event of an upstream body, as soon as its event is complete, decoded and parsed as
 * `readSseEvents` does (for callers that relay events rather than parts). A read failure (the upstream dropped the
 * connection) becomes our transport error; the caller's abort passes through. Leaving early (`return`, or `break`
 * out of a `for await`) stops reading the body.
 *
 * This is the per-event path of every relayed chat stream, so it is an iterator object whose `next()` is one
 * promise — resolved at once when an event is already parsed — instead of an async generator over `readSseEvents`:
 * those two layers cost each event a generator step and four more promises, and each open stream two suspended
 * frames (issue 22 profiles).
 */
export function readSseData(body: UpstreamBodyReader, options: { url: string }): SseDataIterator {
  const decoder = new TextDecoder();
  const parsed: string[] = [];
  const parser = createParser({ onEvent: (event) => parsed.push(event.data) });
  // The body is over (ended, failed or cancelled): what is parsed is all there is.
  let isEnded = false;
  const onRead = (
    result: ReadResult<Uint8Array>,
  ): IteratorResult<string, undefined> | Promise<IteratorResult<string, undefined>> => {
    if (result.done) {
      // A blank line ends an event the upstream left unterminated, so it is still delivered.
      parser.feed(`${decoder.decode()}\n\n`);
      isEnded = true;
    } else {
      parser.feed(decoder.decode(result.value, { stream: true }));
    }
    const data = parsed.shift();
    if (data !== undefined) return { done: false, value: data };
    return isEnded ? DONE : body.read().then(onRead, onFailure);
  };
  const onFailure = (error: unknown): never => {
    isEnded = true;
    throw toTransportError(error, options.url, { isReadingBody: true });
  };
  const iterator: SseDataIterator = {
    next() {
      const data = parsed.shift();
      if (data !== undefined) return Promise.resolve({ done: false, value: data });
      if (isEnded) return Promise.resolve(DONE);
      return body.read().then(onRead, onFailure);
    },
    async return() {
      parsed.length = 0;
      if (!isEnded) {
        isEnded = true;
        await body.cancel().catch(() => {});
      }
      return DONE;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
