import type { FastifyReply } from 'fastify';
import { classifyError } from './error-handler.ts';
import { providerLabelOf, routeLabelOf } from './metrics.ts';
import { startEventStream } from './sse.ts';

/** How a stream ended, for the access line: 200, or 499 ("client closed request") when the client left first. */
export type EventStreamEnd = { status: 200 | 499 };

export type PipeEventStreamOptions<T> = {
  /**
   * The route's format: one item in SSE wire form (`formatEventFrame`, `formatDataFrame`, or relayed bytes as they
   * are), or undefined for an item that writes nothing. Synchronous on purpose: a mapping stage of its own (another
   * async generator) would cost every chunk of the benchmarked chat relay one more promise.
   */
  toFrame: (item: T) => string | Uint8Array | undefined;
  /** Written after the last item when the items ended by themselves (OpenAI's `data: [DONE]`); undefined: none. */
  lastFrame?: (() => string | undefined) | undefined;
  /**
   * The route's error event for a failure after the first byte, when the status is already sent (the note-app
   * `error` event, OpenAI's `{error}` chunk, the Responses `error` event). Without one the stream just ends.
   */
  errorFrame?: ((error: unknown) => string) | undefined;
  /** Called once when the stream is over (the `/v1` access line): the whole answer's duration and how it ended. */
  onEnd?: ((end: EventStreamEnd) => void) | undefined;
  /** See `startEventStream`: heartbeats (null: none, for a relay whose bytes must not be interleaved). */
  heartbeatMs?: number | null | undefined;
  /** See `startEventStream`: false when the first item is already there, so headers and first event leave together. */
  flushHeaders?: boolean | undefined;
};

/**
 * The one stream pump under every streaming route: writes the items as SSE frames and owns everything a stream
 * needs besides its format. The first frame is pushed out at once (not left corked with the headers until the next
 * tick); while the client reads slower than the items come the next item is not even asked for, so a slow reader
 * holds the upstream back through TCP instead of the answer piling up in memory; an error after the first byte
 * becomes the route's error frame; a client that leaves stops the pump (its upstream request is aborted by the
 * route's `clientAbortSignal`); the response is ended, the request's usage row finished and `onEnd` called exactly
 * once. Never throws.
 */
export async function pipeEventStream<T>(
  reply: FastifyReply,
  items: AsyncIterable<T>,
  options: PipeEventStreamOptions<T>,
): Promise<void> {
  const events = startEventStream(reply, { heartbeatMs: options.heartbeatMs, flushHeaders: options.flushHeaders });
  const { toFrame } = options;
  // Open streams and time to first token (docs/metrics.md): measured here, the one place every stream passes.
  const metrics = reply.server.metrics;
  metrics?.streamOpened();
  let isFirst = true;
  try {
    for await (const item of items) {
      const frame = toFrame(item);
      if (frame === undefined) continue;
      // Leaving the loop early closes the items, which stops reading the upstream.
      if (!events.write(frame)) break;
      if (isFirst) reply.request.usage?.firstOutput();
      if (events.isBackedUp) {
        await events.drained();
        // The client may have left instead of reading: `drained` resolves then too.
        if (events.isClosed) break;
      } else if (isFirst) {
        events.flush();
      }
      if (isFirst && metrics != null) {
        metrics.observeFirstToken(routeLabelOf(reply.request), providerLabelOf(reply), reply.elapsedTime / 1000);
      }
      isFirst = false;
    }
    const last = options.lastFrame?.();
    if (last !== undefined) events.write(last);
  } catch (error) {
    // A client that left is not a failure: its upstream request was aborted on purpose.
    if (!events.isClosed) {
      reply.log.warn({ err: error }, 'stream failed after it started');
      reply.request.usage?.fail(classifyError(error).code);
      if (options.errorFrame != null) events.write(options.errorFrame(error));
    }
  } finally {
    // Closed before we end it: the client went away first.
    const status = events.isClosed ? 499 : 200;
    events.close();
    metrics?.streamClosed();
    // The request's ledger row (plugins/usage-tracking.ts) ends with the stream, not when the response is flushed.
    reply.request.usage?.finish(status);
    options.onEnd?.({ status });
  }
}
