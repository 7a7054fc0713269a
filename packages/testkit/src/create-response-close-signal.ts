import type { ServerResponse } from 'node:http';

/** Aborts when the client goes away before the response finished, so delays and streams stop writing to a dead socket. */
export function createResponseCloseSignal(reply: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (reply.destroyed) controller.abort();
  else reply.once('close', () => reply.writableFinished || controller.abort());
  return controller.signal;
}
