import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

/** A free 127.0.0.1 port for a process that must know its URL before it listens (the probe race is harmless). */
export async function findFreeLoopbackPort(): Promise<number> {
  const probe = createServer().unref();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
