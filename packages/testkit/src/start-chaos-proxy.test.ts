import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChaosProxy, startChaosProxy } from './start-chaos-proxy.ts';

const ANSWER = 'x'.repeat(2000);
let upstream: Server;
let proxy: ChaosProxy;
let upstreamRequests = 0;

beforeEach(async () => {
  upstreamRequests = 0;
  upstream = createServer((_request, reply) => {
    upstreamRequests += 1;
    reply.writeHead(200, { 'content-type': 'text/plain', connection: 'close', 'content-length': ANSWER.length });
    reply.end(ANSWER);
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const address = upstream.address() as { port: number };
  proxy = await startChaosProxy({ target: `http://127.0.0.1:${address.port}` });
});

afterEach(async () => {
  await proxy.close();
  upstream.close();
});

async function get(timeoutMs = 2000) {
  const response = await fetch(proxy.url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, text: await response.text() };
}

describe('startChaosProxy', () => {
  it('should pass an answer through untouched and leave no connection open', async () => {
    expect(await get()).toEqual({ status: 200, text: ANSWER });
    await proxy.waitForNoConnections();
    expect(proxy.connections.total).toBe(1);
  });

  it('should apply queued faults one connection each, then the default', async () => {
    proxy.next({ kind: 'cut', afterBytes: 100 }, { kind: 'reset', afterBytes: 0 });
    await expect(get()).rejects.toThrow();
    await expect(get()).rejects.toThrow();
    expect(await get()).toEqual({ status: 200, text: ANSWER });
  });

  it('should stall mid-answer until the client gives up, then close both sides', async () => {
    proxy.next({ kind: 'stall', afterBytes: 150 });
    const startedAt = Date.now();
    await expect(get(300)).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    await proxy.waitForNoConnections();
  });

  it('should drip a complete answer slowly', async () => {
    proxy.next({ kind: 'drip', bytesPerChunk: 500, delayMs: 20 });
    const startedAt = Date.now();
    expect(await get()).toEqual({ status: 200, text: ANSWER });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(60);
  });

  it('should hold a request away from the upstream until released', async () => {
    proxy.next({ kind: 'hold' });
    const answer = get();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstreamRequests).toBe(0);
    expect(proxy.connections.open).toBe(1);
    proxy.release();
    expect(await answer).toEqual({ status: 200, text: ANSWER });
    expect(upstreamRequests).toBe(1);
  });

  it('should refuse a target that is not on loopback', async () => {
    await expect(startChaosProxy({ target: 'http://example.com' })).rejects.toThrow(/loopback/);
  });
});

describe('startChaosProxy cutOpenConnections', () => {
  it('issue 18: resets a connection mid-answer, whatever its fault, and lets the next connection through', async () => {
    // An upstream that sends the first part of its answer, then waits: the client is reading when the cut comes.
    const slow = createServer((request, reply) => {
      reply.writeHead(200, { 'content-type': 'text/plain' });
      if (request.url === '/whole') reply.end('whole');
      else reply.write('first part;');
    });
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    const slowProxy = await startChaosProxy({
      target: `http://127.0.0.1:${(slow.address() as { port: number }).port}`,
    });
    try {
      const response = await fetch(`${slowProxy.url}/slow`, { signal: AbortSignal.timeout(5000) });
      const reader = response.body?.getReader();
      if (reader == null) throw new Error('no body');
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe('first part;');

      expect(slowProxy.cutOpenConnections()).toBe(1);

      await expect(reader.read()).rejects.toThrow();
      await slowProxy.waitForNoConnections();
      const next = await fetch(`${slowProxy.url}/whole`, { signal: AbortSignal.timeout(5000) });
      expect(await next.text()).toBe('whole');
    } finally {
      slowProxy.cutOpenConnections();
      await slowProxy.close();
      slow.closeAllConnections();
      slow.close();
    }
  });
});
