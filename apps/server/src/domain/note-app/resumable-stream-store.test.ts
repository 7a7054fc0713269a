import type { AiStreamEvent } from '@pag/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../gateway-error.ts';
import {
  type ResumableStreamSettings,
  ResumableStreamStore,
  type StoredStreamEvent,
} from './resumable-stream-store.ts';

// The store on its own: a scripted producer stands in for the upstream answer, a clock and Vitest's fake timers
// stand in for time, so grace and retention are decided without waiting.

type Producer = {
  push: (event: AiStreamEvent) => void;
  fail: (error: unknown) => void;
  /** Aborted by the store (grace over, shutdown): the upstream request would be closed. */
  signal: () => AbortSignal;
  /** How many events the store has asked for so far (it stops asking while a slow reader holds it back). */
  pulled: () => number;
};

function scriptedAnswer(): {
  producer: Producer;
  start: (signal: AbortSignal) => Promise<AsyncIterable<AiStreamEvent>>;
} {
  const queue: AiStreamEvent[] = [];
  let failure: unknown;
  let wake: (() => void) | undefined;
  let upstreamSignal: AbortSignal | undefined;
  let pulled = 0;
  async function* events(): AsyncGenerator<AiStreamEvent> {
    for (;;) {
      while (queue.length === 0 && failure === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          upstreamSignal?.addEventListener('abort', () => resolve(), { once: true });
        });
        if (upstreamSignal?.aborted === true) throw upstreamSignal.reason;
      }
      if (queue.length === 0) throw failure;
      const event = queue.shift() as AiStreamEvent;
      pulled += 1;
      yield event;
      if (event.type === 'done' || event.type === 'error') return;
    }
  }
  return {
    producer: {
      push: (event) => {
        queue.push(event);
        wake?.();
      },
      fail: (error) => {
        failure = error;
        wake?.();
      },
      signal: () => upstreamSignal as AbortSignal,
      pulled: () => pulled,
    },
    start: async (signal) => {
      upstreamSignal = signal;
      return events();
    },
  };
}

const delta = (text: string): AiStreamEvent => ({ type: 'delta', text });
const done: AiStreamEvent = {
  type: 'done',
  model: 'gpt-5.5',
  provider: 'chatgpt',
  usage: { inputTokens: 1, outputTokens: 2, reasoningTokens: 0, cachedInputTokens: 0 } as never,
  finishReason: 'stop',
};
const describeError = (error: unknown) => ({ code: 'upstream_error', message: String(error), retryAfter: null });

let clock = 1_000_000;
function createStore(settings: Partial<ResumableStreamSettings> = {}): ResumableStreamStore {
  return new ResumableStreamStore({
    graceMs: 30_000,
    retentionMs: 300_000,
    maxBytesPerStream: 1024 * 1024,
    maxTotalBytes: 8 * 1024 * 1024,
    now: () => clock,
    ...settings,
  });
}

async function open(store: ResumableStreamStore, userId = 'alice') {
  const answer = scriptedAnswer();
  const client = new AbortController();
  const opened = await store.open({
    userId,
    clientSignal: client.signal,
    start: answer.start,
    toEvents: (events) => events,
    describeError,
  });
  return { ...opened, producer: answer.producer, client };
}

/** Everything a reader gets until the stream ends. */
async function readAll(events: AsyncIterable<StoredStreamEvent>): Promise<StoredStreamEvent[]> {
  const read: StoredStreamEvent[] = [];
  for await (const event of events) read.push(event);
  return read;
}

/** Lets the producer's and readers' promise chains run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function resume(store: ResumableStreamStore, streamId: string, lastEventId?: string, userId = 'alice') {
  return store.resume({ streamId, userId, lastEventId, clientSignal: new AbortController().signal });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ResumableStreamStore (issue 18)', () => {
  it('issue 18: numbers the events 1, 2, 3 … and names the stream ais_ + 22 base64url characters', async () => {
    const store = createStore();
    const stream = await open(store);
    expect(stream.streamId).toMatch(/^ais_[A-Za-z0-9_-]{22}$/);
    stream.producer.push(delta('a'));
    stream.producer.push(delta('b'));
    stream.producer.push(done);
    const events = await readAll(stream.events);
    expect(events.map((event) => event.id)).toEqual([1, 2, 3]);
    expect(events.map((event) => event.event.type)).toEqual(['delta', 'delta', 'done']);
  });

  it('issue 18: replays the events after n exactly as first sent, then follows live until the end', async () => {
    const store = createStore();
    const stream = await open(store);
    stream.producer.push(delta('one'));
    stream.producer.push(delta('two'));
    await settle();
    const resumed = readAll(resume(store, stream.streamId, '1'));
    await settle();
    stream.producer.push(delta('three'));
    stream.producer.push(done);
    expect(await resumed).toEqual([
      { id: 2, event: delta('two') },
      { id: 3, event: delta('three') },
      { id: 4, event: done },
    ]);
    // Without Last-Event-ID (or an empty one): from the first event.
    expect((await readAll(resume(store, stream.streamId, ''))).map((event) => event.id)).toEqual([1, 2, 3, 4]);
    expect((await readAll(resume(store, stream.streamId))).map((event) => event.id)).toEqual([1, 2, 3, 4]);
  });

  it('issue 18: refuses another user, an unknown id and a malformed Last-Event-ID', async () => {
    const store = createStore();
    const stream = await open(store);
    const notFound = expect.objectContaining({ code: 'stream_not_found' });
    expect(() => resume(store, stream.streamId, '0', 'bob')).toThrow(GatewayError);
    expect(() => resume(store, stream.streamId, '0', 'bob')).toThrow(notFound);
    expect(() => resume(store, 'ais_AAAAAAAAAAAAAAAAAAAAAA')).toThrow(notFound);
    expect(() => resume(store, stream.streamId, 'twelve')).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    store.close();
  });

  it('issue 18: keeps an ended stream for the retention period, then forgets it', async () => {
    const store = createStore({ retentionMs: 60_000 });
    const stream = await open(store);
    stream.producer.push(done);
    await readAll(stream.events);
    clock += 59_000;
    expect(await readAll(resume(store, stream.streamId))).toHaveLength(1);
    clock += 1_000;
    expect(() => resume(store, stream.streamId)).toThrow(expect.objectContaining({ code: 'stream_not_found' }));
    expect(store.heldBytes).toBe(0);
  });

  it('issue 18: keeps the upstream running while the client is gone less than the grace period', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = createStore({ graceMs: 30_000 });
    const stream = await open(store);
    stream.producer.push(delta('a'));
    stream.client.abort();
    vi.advanceTimersByTime(29_000);
    expect(stream.producer.signal().aborted).toBe(false);
    // Back within grace: the timer is off, however long the client then takes.
    const resumed = readAll(resume(store, stream.streamId, '1'));
    vi.advanceTimersByTime(60_000);
    expect(stream.producer.signal().aborted).toBe(false);
    stream.producer.push(delta('b'));
    stream.producer.push(done);
    expect((await resumed).map((event) => event.event.type)).toEqual(['delta', 'done']);
  });

  it('issue 18: aborts the upstream once the client was gone for the grace period, ending with stream_abandoned', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = createStore({ graceMs: 30_000 });
    const stream = await open(store);
    stream.producer.push(delta('a'));
    await settle();
    stream.client.abort();
    vi.advanceTimersByTime(30_000);
    expect(stream.producer.signal().aborted).toBe(true);
    const replay = await readAll(resume(store, stream.streamId, '1'));
    expect(replay).toEqual([{ id: 2, event: expect.objectContaining({ type: 'error', code: 'stream_abandoned' }) }]);
  });

  it('issue 18: a stream past its cap is no longer resumable, and its live reader still gets every event', async () => {
    const store = createStore({ maxBytesPerStream: 4096 });
    const stream = await open(store);
    const texts = Array.from({ length: 40 }, (_, index) => `${index} `.padEnd(200, '.'));
    for (const text of texts) stream.producer.push(delta(text));
    stream.producer.push(done);
    await settle();
    expect(() => resume(store, stream.streamId)).toThrow(expect.objectContaining({ code: 'stream_not_found' }));
    const events = await readAll(stream.events);
    expect(events.map((event) => event.id)).toEqual(Array.from({ length: 41 }, (_, index) => index + 1));
    expect(
      events
        .filter((event) => event.event.type === 'delta')
        .map((event) => (event.event as { text: string }).text)
        .join(''),
    ).toBe(texts.join(''));
    expect(store.heldBytes).toBe(0);
  });

  it('issue 18: past its cap, a stream waits for its slow reader instead of holding the answer', async () => {
    const store = createStore({ maxBytesPerStream: 16 * 1024 });
    const stream = await open(store);
    for (let index = 0; index < 400; index += 1) stream.producer.push(delta('x'.repeat(1000)));
    stream.producer.push(done);
    await settle();
    // Nobody read yet: the store stopped asking for events at the cap plus one window, not at the end of the answer.
    expect(stream.producer.pulled()).toBeLessThan(150);
    expect(store.heldBytes).toBeLessThanOrEqual(16 * 1024 + 64 * 1024 + 2048);
    expect(await readAll(stream.events)).toHaveLength(401);
  });

  it('issue 18: a client gone from a stream past its cap aborts the upstream at once (nobody can resume it)', async () => {
    const store = createStore({ maxBytesPerStream: 1024 });
    const stream = await open(store);
    stream.producer.push(delta('y'.repeat(2000)));
    await settle();
    stream.client.abort();
    expect(stream.producer.signal().aborted).toBe(true);
  });

  it('issue 18: the total cap drops ended streams first, then stops the growing stream from being resumable', async () => {
    const store = createStore({ maxBytesPerStream: 4096, maxTotalBytes: 6000 });
    const first = await open(store);
    first.producer.push(delta('a'.repeat(3000)));
    first.producer.push(done);
    await readAll(first.events);
    const second = await open(store);
    second.producer.push(delta('b'.repeat(3000)));
    await settle();
    expect(() => resume(store, first.streamId)).toThrow(expect.objectContaining({ code: 'stream_not_found' }));
    const third = await open(store);
    third.producer.push(delta('c'.repeat(3500)));
    await settle();
    // The running second stream is not dropped for the third: the third, which passed the total, stops resuming.
    expect(() => resume(store, third.streamId)).toThrow(expect.objectContaining({ code: 'stream_not_found' }));
    expect(() => resume(store, second.streamId, '1')).not.toThrow();
    store.close();
  });

  it('issue 18: an upstream failure after the start becomes the last event, with the next id', async () => {
    const store = createStore();
    const stream = await open(store);
    stream.producer.push(delta('a'));
    stream.producer.fail(new Error('reset'));
    expect(await readAll(stream.events)).toEqual([
      { id: 1, event: delta('a') },
      { id: 2, event: { type: 'error', code: 'upstream_error', message: 'Error: reset', retryAfter: null } },
    ]);
  });

  it('issue 18: a shutdown aborts answers nobody reads and stops every timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = createStore();
    const stream = await open(store);
    stream.producer.push(delta('a'));
    await settle();
    stream.client.abort();
    expect(vi.getTimerCount()).toBe(1);
    store.close();
    expect(stream.producer.signal().aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await expect(open(store)).rejects.toMatchObject({ code: 'service_unavailable' });
  });
});
