import type { UpstreamBodyReader } from '@pag/providers';
import type { FastifyReply } from 'fastify';
import { type EventStreamEnd, pipeEventStream } from './pipe-event-stream.ts';

const passBytes = (chunk: Uint8Array) => chunk;

/**
 * Relays an upstream SSE body to the client byte for byte (the `/v1/responses` pass-through keeps the upstream's
 * events unchanged in shape) through the same pump as every other stream: same headers, same wait for a slow
 * reader, same end. No heartbeats (a comment must not fall between two halves of an upstream event) and no error
 * event of ours: an upstream cut is passed on as a cut. The body is read directly (its `read()` is the iterator's
 * `next()`: no stage in between) and cancelled at the end whatever happened, which frees the upstream connection.
 */
export async function relayEventStream(
  reply: FastifyReply,
  body: UpstreamBodyReader,
  options: { onEnd?: ((end: EventStreamEnd) => void) | undefined } = {},
): Promise<void> {
  const chunks: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () => body.read() as Promise<IteratorResult<Uint8Array>>,
    }),
  };
  try {
    await pipeEventStream(reply, chunks, { toFrame: passBytes, heartbeatMs: null, onEnd: options.onEnd });
  } finally {
    await body.cancel().catch(() => {});
  }
}
