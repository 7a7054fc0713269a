import type { FastifyReply } from 'fastify';

/**
 * An AbortSignal that fires when the client goes away before the answer is complete, to be passed to the upstream
 * request: a closed tab or a cancelled `fetch` must not keep a model generating (and a subscription's quota
 * burning). The response's `close` event is used, not the request's: the request emits `close` as soon as its
 * body has been read, long before the answer is done.
 */
export function clientAbortSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}
