import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type EventStreamEnd, type PipeEventStreamOptions, pipeEventStream } from './pipe-event-stream.ts';
import { formatDataFrame } from './sse.ts';

// The stream pump on a real loopback server. Outcomes are recorded in the handler and asserted in the test, so a
// failing expectation can never be swallowed by the server.
const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

type Pumped = { url: string; ends: EventStreamEnd[]; finished: Promise<void> };

async function serve<T>(items: () => AsyncIterable<T>, options: PipeEventStreamOptions<T>): Promise<Pumped> {
  const app = Fastify({ forceCloseConnections: true });
  apps.push(app);
  const ends: EventStreamEnd[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  app.get('/events', async (_request, reply) => {
    await pipeEventStream(reply, items(), {
      ...options,
      onEnd: (end) => {
        ends.push(end);
        options.onEnd?.(end);
      },
    });
    finish();
  });
  return { url: `${await app.listen({ host: '127.0.0.1', port: 0 })}/events`, ends, finished };
}

describe('pipeEventStream (issue 15)', () => {
  it('should write every frame, skip items without one, add the last frame and end with 200', async () => {
    const pumped = await serve(
      async function* () {
        yield 'a';
        yield '';
        yield 'b';
      },
      {
        toFrame: (item) => (item === '' ? undefined : formatDataFrame({ item })),
        lastFrame: () => formatDataFrame('[DONE]'),
      },
    );
    const response = await fetch(pumped.url);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toBe('data: {"item":"a"}\n\ndata: {"item":"b"}\n\ndata: [DONE]\n\n');
    await pumped.finished;
    expect(pumped.ends).toEqual([{ status: 200 }]);
  });

  it('should turn an error after the first byte into the route’s error frame, without the last frame', async () => {
    const pumped = await serve(
      async function* () {
        yield 'a';
        throw new Error('upstream cut');
      },
      {
        toFrame: (item) => formatDataFrame({ item }),
        lastFrame: () => formatDataFrame('[DONE]'),
        errorFrame: (error) => formatDataFrame({ error: { message: (error as Error).message } }),
      },
    );
    const response = await fetch(pumped.url);
    expect(await response.text()).toBe('data: {"item":"a"}\n\ndata: {"error":{"message":"upstream cut"}}\n\n');
    await pumped.finished;
    expect(pumped.ends).toEqual([{ status: 200 }]);
  });

  it('should just end the stream on an error when the route has no error frame (a relay)', async () => {
    const pumped = await serve(
      async function* () {
        yield new TextEncoder().encode('event: a\ndata: {}\n\n');
        throw new Error('upstream cut');
      },
      { toFrame: (chunk) => chunk, heartbeatMs: null },
    );
    const response = await fetch(pumped.url);
    expect(await response.text()).toBe('event: a\ndata: {}\n\n');
    await pumped.finished;
    expect(pumped.ends).toEqual([{ status: 200 }]);
  });

  it('should stop asking for items once the client left, close them, and end once with 499', async () => {
    let pulled = 0;
    let isItemsClosed = false;
    const pumped = await serve(
      async function* () {
        try {
          for (;;) {
            pulled += 1;
            yield pulled;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        } finally {
          isItemsClosed = true;
        }
      },
      { toFrame: (item) => formatDataFrame({ item }) },
    );
    const controller = new AbortController();
    const response = await fetch(pumped.url, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    await pumped.finished;
    const pulledAtEnd = pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBe(pulledAtEnd);
    expect(isItemsClosed).toBe(true);
    expect(pumped.ends).toEqual([{ status: 499 }]);
  });

  it('should not ask for the next item while the client is not reading', async () => {
    const frame = formatDataFrame('x'.repeat(64 * 1024));
    let pulled = 0;
    const pumped = await serve(
      async function* () {
        // Far more than the socket buffers hold (about 4 MiB on Linux by default).
        for (; pulled < 1024; ) {
          pulled += 1;
          yield pulled;
        }
      },
      { toFrame: () => frame },
    );
    const response = await fetch(pumped.url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // Not reading: the pump must come to a stop well before the end of the items.
    let previous = -1;
    while (pulled !== previous) {
      previous = pulled;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pulled).toBeLessThan(512);
    let bytes = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.length;
    await pumped.finished;
    expect(pulled).toBe(1024);
    expect(bytes).toBeGreaterThan(1000 * 64 * 1024);
    expect(pumped.ends).toEqual([{ status: 200 }]);
  });
});
