import type { UpstreamBodyReader } from './post-upstream.ts';
import type { ReadResult } from './read-result.ts';
import { toTransportError } from './to-transport-error.ts';

const LF = 0x0a;
const CR = 0x0d;
const BLANK_LINE = new Uint8Array([LF, LF]);

/** What the previous byte was, for finding blank lines across chunk boundaries (`\n`, `\r\n` and `\r` end lines). */
type Previous = 'other' | 'lf' | 'cr' | 'crlf';

/**
 * Reads an SSE body as whole events, each read giving the bytes of exactly one event (its lines and the blank line
 * that ends it), unchanged: for relays that pass an upstream's events on as they are but must be able to add one
 * of their own at a clean boundary. The bytes of an event still incomplete wait for the rest; if the body breaks
 * off they are dropped (half an event is no event to a client), and if it ends cleanly without the closing blank
 * line they are delivered with one (as `readSseEvents` delivers such an event). A read failure (dropped connection,
 * the upstream fetch's idle timeout) becomes our transport error; the caller's abort passes through.
 */
export function readSseFrames(body: UpstreamBodyReader, options: { url: string }): UpstreamBodyReader {
  const events: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let previous: Previous = 'other';
  let isEnded = false;

  const takeEvent = (chunk: Uint8Array, start: number, end: number) => {
    const tail = chunk.subarray(start, end);
    if (partial.length === 0) {
      events.push(tail);
      return;
    }
    partial.push(tail);
    events.push(Buffer.concat(partial));
    partial = [];
  };

  const split = (chunk: Uint8Array) => {
    let start = 0;
    // A blank line ended by a lone CR ends the event there, unless a LF follows (CRLF): then after that LF.
    let endsAtCr = -1;
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index];
      if (endsAtCr >= 0) {
        const end = byte === LF ? index + 1 : endsAtCr + 1;
        takeEvent(chunk, start, end);
        start = end;
        endsAtCr = -1;
      }
      if (byte === LF) {
        if (previous === 'cr') {
          // The LF of a CRLF: the line already ended at the CR.
          previous = 'crlf';
          continue;
        }
        const isBlank = previous === 'lf' || previous === 'crlf';
        previous = 'lf';
        if (isBlank) {
          takeEvent(chunk, start, index + 1);
          start = index + 1;
        }
      } else if (byte === CR) {
        if (previous !== 'other') endsAtCr = index;
        previous = 'cr';
      } else {
        previous = 'other';
      }
    }
    if (endsAtCr >= 0) {
      // The chunk ends right after the CR: the event ends there; a LF in the next chunk opens the next one.
      takeEvent(chunk, start, endsAtCr + 1);
      start = endsAtCr + 1;
    }
    if (start < chunk.length) partial.push(chunk.subarray(start));
  };

  return {
    async read(): Promise<ReadResult<Uint8Array>> {
      while (events.length === 0) {
        if (isEnded) return { done: true, value: undefined };
        let result: ReadResult<Uint8Array>;
        try {
          result = await body.read();
        } catch (error) {
          isEnded = true;
          partial = [];
          throw toTransportError(error, options.url, { isReadingBody: true });
        }
        if (result.done) {
          isEnded = true;
          if (partial.length > 0) {
            partial.push(BLANK_LINE);
            events.push(Buffer.concat(partial));
            partial = [];
          }
        } else {
          split(result.value);
        }
      }
      return { done: false, value: events.shift() as Uint8Array };
    },
    cancel: (reason) => body.cancel(reason),
  };
}
