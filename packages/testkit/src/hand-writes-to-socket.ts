import type { ServerResponse } from 'node:http';

/**
 * Resolves once everything written to the response so far has been handed to its socket. A fake that cuts the
 * connection by ending or destroying the socket itself must wait for this: from Node 24.22.0 on ("http: coalesce
 * chunked writes during auto-corking", nodejs/node#64987) a chunked response keeps the writes of the current tick
 * in its own buffer and sends them as one chunk on the next tick, so a socket ended in the same tick drops them and
 * the client sees no body at all instead of one cut short. An empty write queues behind those writes, so its
 * callback runs once they are on the socket.
 */
export function handWritesToSocket(reply: ServerResponse): Promise<void> {
  return new Promise((resolve) => reply.write('', () => resolve()));
}
