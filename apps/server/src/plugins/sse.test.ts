import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { formatEventFrame, startEventStream } from './sse.ts';

// The SSE helper on a real loopback server: headers first, events unbuffered, heartbeats while quiet.
const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function serve(handler: (events: ReturnType<typeof startEventStream>) => Promise<void>) {
  const app = Fastify({ forceCloseConnections: true });
  apps.push(app);
  app.get('/events', async (_request, reply) => {
    reply.header('x-request-id', 'req-1');
    const events = startEventStream(reply, { heartbeatMs: 20 });
    await handler(events);
  });
  return `${await app.listen({ host: '127.0.0.1', port: 0 })}/events`;
}

describe('startEventStream', () => {
  it('should send headers before the first event, keep earlier headers, and heartbeat while quiet', async () => {
    let release: () => void = () => {};
    const url = await serve(async (events) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      events.send('delta', { type: 'delta', text: 'hi' });
      events.close();
    });
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('x-request-id')).toBe('req-1');
    const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    expect(first.value).toBe(': keep-alive\n\n');
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value;
    expect(rest.endsWith('event: delta\ndata: {"type":"delta","text":"hi"}\n\n')).toBe(true);
  });

  it('should report a gone client by returning false from send', async () => {
    let sendResult: boolean | undefined;
    let closed: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const url = await serve(async (events) => {
      events.send('delta', { text: 'first' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      sendResult = events.send('delta', { text: 'second' });
      events.close();
      closed();
    });
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    await done;
    expect(sendResult).toBe(false);
  });
});

describe('startEventStream backpressure (issue 7)', () => {
  it('should report a full socket buffer and resolve drained once the client has read it', async () => {
    let backedUp = 0;
    let stillBackedUpAfterDrain = 0;
    const payload = 'x'.repeat(64 * 1024);
    let release: () => void = () => {};
    const clientReady = new Promise<void>((resolve) => {
      release = resolve;
    });
    const url = await serve(async (events) => {
      for (let index = 0; index < 64; index += 1) {
        events.sendData({ index, payload });
        if (events.isBackedUp) {
          backedUp += 1;
          await events.drained();
          // Counted, not asserted here: an expect thrown inside the server's handler would never reach the test.
          if (events.isBackedUp) stillBackedUpAfterDrain += 1;
        }
      }
      await clientReady;
      events.close();
    });
    const response = await fetch(url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    // Read slowly at first, so the server's writes pile up in the socket.
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    let bytes = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.length;
    expect(backedUp).toBeGreaterThan(0);
    expect(stillBackedUpAfterDrain).toBe(0);
    expect(bytes).toBeGreaterThan(64 * 64 * 1024);
  });

  it('should resolve drained when the client goes away instead of waiting forever', async () => {
    let settled: () => void = () => {};
    const drainedAfterClose = new Promise<void>((resolve) => {
      settled = resolve;
    });
    const url = await serve(async (events) => {
      for (let index = 0; index < 256 && !events.isBackedUp; index += 1) events.sendData('y'.repeat(64 * 1024));
      await events.drained();
      settled();
    });
    const controller = new AbortController();
    await fetch(url, { signal: controller.signal });
    controller.abort();
    await drainedAfterClose;
  });
});

describe('formatEventFrame', () => {
  it('issue 18: puts the id line first when the event has an id, and none otherwise', () => {
    expect(formatEventFrame('delta', { type: 'delta', text: 'hi' }, 7)).toBe(
      'id: 7\nevent: delta\ndata: {"type":"delta","text":"hi"}\n\n',
    );
    expect(formatEventFrame('delta', { type: 'delta', text: 'hi' })).toBe(
      'event: delta\ndata: {"type":"delta","text":"hi"}\n\n',
    );
  });
});
