import { EventSourceParserStream } from 'eventsource-parser/stream';

/** One Server-Sent Events frame: its `id:` (when the gateway sent one), `event:` name and `data:`. */
export type EventStreamMessage = { id: string | undefined; event: string | undefined; data: string };

/**
 * Reads the frames of an SSE body until it ends; a dropped connection throws from here (the fetch body errors).
 * A reader, not `for await` over the stream: Safari's ReadableStream is not async iterable, and browsers are
 * first-class callers of this package. Cancelling the iterator releases the body.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
): AsyncGenerator<EventStreamMessage> {
  const reader = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield { id: value.id, event: value.event, data: value.data };
    }
  } finally {
    // Errors here mean the body is already gone; the caller's abort closes the connection itself.
    await reader.cancel().catch(() => undefined);
  }
}
