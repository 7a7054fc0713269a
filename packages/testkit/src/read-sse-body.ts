import type { EventSourceMessage } from 'eventsource-parser';
import { createParser } from 'eventsource-parser';

/** A parsed JSON body as `JSON.parse` types it, so test assertions can reach into deep response fields. */
export type ParsedJson = ReturnType<typeof JSON.parse>;

/**
 * For tests: reads an SSE body with eventsource-parser, as the gateway's adapters do, keeping what arrived before a
 * failure. `data` is each event's data JSON-parsed (`[DONE]` left as is); `arrivals` when each event's bytes arrived;
 * `unknownFields` the lines the parser could not read as a field, where a bare JSON object without `data:` shows up.
 */
export async function readSseBody(response: Response) {
  const events: EventSourceMessage[] = [];
  const arrivals: number[] = [];
  const unknownFields: string[] = [];
  let arrivedAt = 0;
  const parser = createParser({
    onEvent: (event) => {
      events.push(event);
      arrivals.push(arrivedAt);
    },
    onError: (error) => unknownFields.push(error.field ?? ''),
  });
  const decoder = new TextDecoder();
  let rawText = '';
  let streamError: Error | undefined;
  try {
    for await (const piece of response.body ?? []) {
      arrivedAt = Date.now();
      const text = decoder.decode(piece as Uint8Array, { stream: true });
      rawText += text;
      parser.feed(text);
    }
  } catch (error) {
    streamError = error as Error;
  }
  parser.reset({ consume: true });
  const data = events.map((event): ParsedJson => (event.data === '[DONE]' ? event.data : JSON.parse(event.data)));
  return { events, data, arrivals, rawText, unknownFields, streamError };
}
