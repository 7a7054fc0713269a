import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type { EventSourceMessage };

/**
 * Decodes a response body as Server-Sent Events. The content type is not checked (the Codex backend sometimes omits
 * it) and no `[DONE]` sentinel is assumed; an event left without its closing blank line at the end is still
 * delivered.
 */
export function parseSseStream(body: ReadableStream<Uint8Array>): ReadableStream<EventSourceMessage> {
  let parser: ReturnType<typeof createParser> | undefined;
  // The DOM lib types TextDecoderStream's writable side as BufferSource, which Uint8Array is.
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  return body.pipeThrough(decoder).pipeThrough(
    new TransformStream<string, EventSourceMessage>({
      start(controller) {
        parser = createParser({ onEvent: (event) => controller.enqueue(event) });
      },
      transform(chunk) {
        parser?.feed(chunk);
      },
      flush() {
        parser?.reset({ consume: true });
      },
    }),
  );
}
