import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

/**
 * A free port on 127.0.0.1, for processes that must know their address before they listen (a public URL, a
 * registered redirect URI). The probe closes before the caller binds; the moment between is harmless on loopback.
 */
export async function findFreeLoopbackPort(): Promise<number> {
  const probe = createServer().unref();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
