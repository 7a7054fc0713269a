import { createServer } from 'node:net';

/**
 * A free port on 127.0.0.1: the OS picks one for a probe listener, which closes before the caller binds the port.
 * For processes that must know their address before they listen (a public URL, a registered redirect URI); the
 * moment between close and bind is harmless on loopback.
 */
export async function findFreeLoopbackPort(): Promise<number> {
  const probe = createServer();
  probe.unref();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address == null || typeof address === 'string') throw new Error('the probe listener has no port');
  return address.port;
}
