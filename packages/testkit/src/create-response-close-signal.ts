import type { ServerResponse } from 'node:http';

/**
 * Aborts when the client goes away before the response finished, so delays and streams stop instead of writing
 * to a dead socket (and so `close()` never waits on them).
 */
export function createResponseCloseSignal(reply: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (reply.destroyed) {
    controller.abort();
    return controller.signal;
  }
  reply.once('close', () => {
    if (!reply.writableFinished) controller.abort();
  });
  return controller.signal;
}
