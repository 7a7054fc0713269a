import type { Socket } from 'node:net';
import { connect, createServer } from 'node:net';

export type ForwardLoopbackPortOptions = {
  /** The fixed port to listen on, on 127.0.0.1. */
  port: number;
  targetPort: number;
};

/**
 * Relays raw TCP from a fixed loopback port to a fake on its ephemeral port. `startFakeServer` only binds port 0,
 * and a demo or a browser test started in another process needs a port it can know in advance.
 * TODO: remove once `startFakeServer` takes a `port` option.
 */
export async function forwardLoopbackPort(options: ForwardLoopbackPortOptions): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ port: options.targetPort, host: '127.0.0.1' });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // Either side failing ends both, so a dropped-connection fault reaches the client as a dropped connection.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: '127.0.0.1' }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error == null ? resolve() : reject(error)));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
