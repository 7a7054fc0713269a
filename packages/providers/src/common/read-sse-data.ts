import { readSseEvents } from './parse-sse-stream.ts';
import type { UpstreamBodyReader } from './post-upstream.ts';
import { toTransportError } from './to-transport-error.ts';

/**
 * The `data` of each Server-Sent Event of an upstream body, as soon as its event is complete (`readSseEvents`,
 * for callers that relay events rather than parts). A read failure (the upstream dropped the connection) becomes
 * our transport error; the caller's abort passes through. Leaving early stops reading the body.
 */
export async function* readSseData(body: UpstreamBodyReader, options: { url: string }): AsyncGenerator<string> {
  const events = readSseEvents(body);
  let isEnded = false;
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof events.read>>;
      try {
        next = await events.read();
      } catch (error) {
        isEnded = true;
        throw toTransportError(error, options.url, { isReadingBody: true });
      }
      if (next.done) {
        isEnded = true;
        return;
      }
      yield next.value.data;
    }
  } finally {
    if (!isEnded) await events.cancel().catch(() => {});
  }
}
