import { createParser } from 'eventsource-parser';
import { toTransportError } from './to-transport-error.ts';

/**
 * The `data` of each Server-Sent Event of a Node-stream body, as soon as its event is complete. Unlike
 * `readSseEvents` (for `fetch` bodies) it works on the plain async iterable `undici.request` gives,
 * with no stream stages in between: the relay path's per-chunk cost. A read failure (the upstream dropped the
 * connection) becomes our transport error; the caller's abort passes through.
 */
export async function* readSseData(body: AsyncIterable<Uint8Array>, options: { url: string }): AsyncGenerator<string> {
  const ready: string[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event.data) });
  const decoder = new TextDecoder();
  try {
    for await (const bytes of body) {
      parser.feed(decoder.decode(bytes, { stream: true }));
      while (ready.length > 0) yield ready.shift() as string;
    }
  } catch (error) {
    throw toTransportError(error, options.url);
  }
  // An event left without its closing blank line at the end is still delivered.
  parser.feed(`${decoder.decode()}\n\n`);
  while (ready.length > 0) yield ready.shift() as string;
}
