import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { UpstreamBodyReader } from './post-upstream.ts';
import type { ReadResult } from './read-result.ts';

export type { EventSourceMessage };

/** Reads the events of an SSE body one at a time; `takeBuffered` returns one already parsed without waiting. */
export type SseEventReader = {
  read(): Promise<ReadResult<EventSourceMessage>>;
  takeBuffered(): EventSourceMessage | undefined;
  cancel(reason?: unknown): Promise<void>;
};

/**
 * Decodes a response body as Server-Sent Events. The content type is not checked (the Codex backend sometimes omits
 * it) and no `[DONE]` sentinel is assumed; an event left without its closing blank line at the end is still
 * delivered. The parser is fed straight from the body's reader — no decoder or transform stream stages in
 * between, which cost more per event than the parsing itself (issue 7 profile).
 */
export function readSseEvents(reader: UpstreamBodyReader): SseEventReader {
  const decoder = new TextDecoder();
  const buffered: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => buffered.push(event) });
  let isEnded = false;
  return {
    async read() {
      while (buffered.length === 0) {
        if (isEnded) return { done: true, value: undefined };
        const result = await reader.read();
        if (result.done) {
          // A blank line ends an event the upstream left unterminated, so it is still delivered.
          parser.feed(`${decoder.decode()}\n\n`);
          isEnded = true;
        } else {
          parser.feed(decoder.decode(result.value, { stream: true }));
        }
      }
      return { done: false, value: buffered.shift() as EventSourceMessage };
    },
    takeBuffered: () => buffered.shift(),
    cancel: (reason) => reader.cancel(reason),
  };
}
