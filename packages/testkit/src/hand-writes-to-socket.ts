import type { ServerResponse } from 'node:http';

/**
 * Resolves once what was written is on the socket (an empty write queues behind it). Await it before ending the socket:
 * since Node 24.22.0 (nodejs/node#64987) a chunked response sends a tick's writes on the next tick.
 */
export function handWritesToSocket(reply: ServerResponse): Promise<void> {
  return new Promise((resolve) => reply.write('', () => resolve()));
}
