import type { FastifyReply } from 'fastify';
import { type PipeEventStreamOptions, pipeEventStream } from './pipe-event-stream.ts';
import { formatEventFrame } from './sse.ts';

/** An event of the relay's own among the upstream's (a closing `response.failed`), written as a named event. */
export type OwnEvent = { type: string } & Record<string, unknown>;

const toFrame = (item: Uint8Array | OwnEvent) =>
  item instanceof Uint8Array ? item : formatEventFrame(item.type, item);

/**
 * Relays an upstream SSE stream to the client (the `/v1/responses` pass-through keeps the upstream's events
 * unchanged in shape) through the same pump as every other stream: same headers, same wait for a slow reader, same
 * end. The items are whole upstream events as bytes, written as they are, and the relay's own events where it has
 * something to say (the stream broke off); no heartbeats, since a comment must not fall between two halves of an
 * upstream event. An item that fails to come (a bug: upstream failures are already items) gets the route's
 * `errorFrame`, which the items' whole-event boundaries make safe to write. Whoever produces the items stops
 * reading the upstream when the pump stops asking.
 */
export async function relayEventStream(
  reply: FastifyReply,
  items: AsyncIterable<Uint8Array | OwnEvent>,
  options: Pick<PipeEventStreamOptions<Uint8Array | OwnEvent>, 'errorFrame' | 'onEnd'> = {},
): Promise<void> {
  await pipeEventStream(reply, items, {
    toFrame,
    heartbeatMs: null,
    errorFrame: options.errorFrame,
    onEnd: options.onEnd,
  });
}
