import { Worker } from 'node:worker_threads';
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
  it('issue 22: should send the first frame at once while its producer keeps the microtask queue busy', async () => {
    // Set by the client, on a thread of its own, when the first frame has reached it.
    const firstFrameRead = new Int32Array(new SharedArrayBuffer(4));
    let hadFirstFrameWhileBusy: boolean | undefined;
    const pumped = await serve(
      () => {
        // Items from a producer that runs on its own, as the note-app stream store's does: it hands over the first,
        // then works through the rest of an answer already in memory in one run of microtasks. Node's next tick,
        // where it used to send what the response had corked, cannot come meanwhile.
        const queue = ['first'];
        let wake: (() => void) | undefined;
        let isDone = false;
        void (async () => {
          const deadline = performance.now() + 2_000;
          while (Atomics.load(firstFrameRead, 0) === 0 && performance.now() < deadline) await null;
          hadFirstFrameWhileBusy = Atomics.load(firstFrameRead, 0) === 1;
          queue.push('second');
          isDone = true;
          wake?.();
        })();
        return (async function* () {
          for (;;) {
            const item = queue.shift();
            if (item !== undefined) yield item;
            else if (isDone) return;
            else await new Promise<void>((resolve) => (wake = resolve));
          }
        })();
      },
      { toFrame: (item) => formatDataFrame({ item }), flushHeaders: false },
    );
    const client = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
      (async () => {
        const response = await fetch(workerData.url);
        const decoder = new TextDecoder();
        let text = '';
        for await (const chunk of response.body) {
          text += decoder.decode(chunk, { stream: true });
          if (text.includes('first')) Atomics.store(workerData.firstFrameRead, 0, 1);
        }
        parentPort.postMessage(text);
      })();`,
      { eval: true, workerData: { url: pumped.url, firstFrameRead } },
    );
    const body = await new Promise<string>((resolve, reject) => {
      client.once('message', resolve);
      client.once('error', reject);
    });
    await client.terminate();
    await pumped.finished;
    expect(hadFirstFrameWhileBusy).toBe(true);
    expect(body).toBe('data: {"item":"first"}\n\ndata: {"item":"second"}\n\n');
  });
});
