import type { ServerResponse } from 'node:http';

/**
 * Resolves once everything written to the response so far is on its socket. A fake that ends or destroys the socket
 * itself must wait for this: since Node 24.22.0 (nodejs/node#64987) a chunked response coalesces the writes of the
 * current tick and sends them on the next, so a socket ended in the same tick drops them. An empty write queues behind
 * those writes, so its callback runs once they are out.
 */
export function handWritesToSocket(reply: ServerResponse): Promise<void> {
  return new Promise((resolve) => reply.write('', () => resolve()));
}
