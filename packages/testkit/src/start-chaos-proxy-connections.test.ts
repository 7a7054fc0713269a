import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type ChaosProxy, startChaosProxy } from './start-chaos-proxy.ts';

let upstream: Server;
let proxy: ChaosProxy;
let upstreamRequests = 0;

beforeEach(async () => {
  upstreamRequests = 0;
  upstream = createServer((_request, reply) => {
    upstreamRequests += 1;
    reply.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('ok');
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  proxy = await startChaosProxy({ target: `http://127.0.0.1:${(upstream.address() as { port: number }).port}` });
});

afterEach(async () => {
  await proxy.close();
  upstream.close();
});

it('should close a held connection whose client gave up, and never pass its request on', async () => {
  proxy.next({ kind: 'hold' });
  await expect(fetch(proxy.url, { signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort|timeout/i);
  // Before the fix the held socket was paused, never saw its client leave, and stayed open until release().
  await proxy.waitForNoConnections(1000);
  proxy.release();
  expect(upstreamRequests).toBe(0);
});

it('should count each stalled connection whose upstream finished as open until its client leaves', async () => {
  let upstreamClosed = 0;
  upstream.on('connection', (socket) => socket.on('close', () => (upstreamClosed += 1)));
  proxy.setDefault({ kind: 'stall', afterBytes: 20 });
  const controller = new AbortController();
  const answers = [1, 2].map(() => fetch(proxy.url, { signal: controller.signal }));
  // The upstream answers in full and closes its side (Connection: close); the clients' sides stay open.
  for (let tries = 0; upstreamClosed < 2; tries++) {
    if (tries > 100) throw new Error('the upstream never closed its connections');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(upstreamRequests).toBe(2);
  // Not 1 (two sockets left, halved), as it was counted before.
  expect(proxy.connections.open).toBe(2);
  controller.abort();
  for (const answer of answers) await expect(answer).rejects.toThrow(/abort/i);
  proxy.setDefault({ kind: 'pass' });
  await proxy.waitForNoConnections(1000);
});

it('should pass on a held request whose client waits, bytes read while held included', async () => {
  proxy.next({ kind: 'hold', ms: 100 });
  const answer = await fetch(proxy.url, { method: 'POST', body: 'x'.repeat(10_000) });
  expect(await answer.text()).toBe('ok');
  expect(upstreamRequests).toBe(1);
});
