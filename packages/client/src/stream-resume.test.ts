/// <reference types="node" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AiStreamEvent } from '@pag/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayClient, RESUME_BACKOFF_MS } from './create-gateway-client.ts';
import { GatewayClientError } from './gateway-client-error.ts';

// The resumable stream as the SDK sees it (docs/client-sdk.md §2): `x-stream-id`, numbered event ids, and
// `GET /api/ai/streams/{id}` with `Last-Event-ID` after a drop. A scripted fetch plays the gateway.

const BASE = 'http://gateway.test';
const STREAM_ID = 'ais_AAAAAAAAAAAAAAAAAAAAAA';
const DONE = {
  type: 'done',
  model: 'chatgpt/gpt-5.5',
  provider: 'chatgpt',
  usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 3, reasoningTokens: 0, totalTokens: 4 },
  finishReason: 'stop',
} as const;
const delta = (text: string) => ({ type: 'delta', text }) as const;

type Frame = { id: number; event: { type: string; [field: string]: unknown } };
const frame = ({ id, event }: Frame) => `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/** An SSE body that sends `frames`, then either ends or breaks as a dropped connection does. */
function body(frames: Frame[], end: 'end' | 'drop' | 'hold', signal?: AbortSignal | null): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const each of frames) controller.enqueue(encoder.encode(frame(each)));
      // A comment without id, as a heartbeat is: it never moves Last-Event-ID.
      controller.enqueue(encoder.encode(': heartbeat\n\n'));
      if (end === 'end') controller.close();
      // Later, as a network error comes after the bytes that made it (an error at once would discard them).
      else if (end === 'drop') setTimeout(() => controller.error(new TypeError('terminated')), 10);
      else signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
    },
  });
}

type Call = { method: string; path: string; lastEventId: string | null };

function scriptedGateway(
  answers: ((call: Call, init: RequestInit | undefined) => Response)[],
  options: { streamId?: string | null } = {},
) {
  const calls: Call[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const call = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      lastEventId: new Headers(init?.headers).get('last-event-id'),
    };
    calls.push(call);
    const answer = answers[calls.length - 1];
    if (answer == null) throw new Error(`unexpected request ${call.method} ${call.path}`);
    return answer(call, init);
  };
  const sse = (stream: ReadableStream<Uint8Array>) =>
    new Response(stream, {
      headers: {
        'content-type': 'text/event-stream',
        ...(options.streamId === null ? {} : { 'x-stream-id': options.streamId ?? STREAM_ID }),
      },
    });
  return { calls, fetch: fetchImpl, sse };
}

const notFound = () =>
  new Response(JSON.stringify({ error: { code: 'stream_not_found', message: 'No such stream.' } }), {
    status: 404,
    headers: { 'content-type': 'application/json' },
  });

async function collect(events: AsyncIterable<AiStreamEvent>): Promise<AiStreamEvent[]> {
  const all: AiStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function failureOf(events: AsyncIterable<AiStreamEvent>): Promise<{ seen: AiStreamEvent[]; error: unknown }> {
  const seen: AiStreamEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    return { seen, error };
  }
  throw new Error('expected the stream to fail');
}

const FAST = [1, 1, 1, 1, 1];

describe('issue 18: stream() resumes a dropped connection by itself', () => {
  it('issue 18: the protocol’s backoff is 0.25, 0.5, 1, 2, 4 s', () => {
    expect(RESUME_BACKOFF_MS).toEqual([250, 500, 1_000, 2_000, 4_000]);
  });

  it('issue 18: a body that breaks mid-answer is resumed with Last-Event-ID, and a replayed event is not repeated', async () => {
    const gateway = scriptedGateway([
      () =>
        gateway.sse(
          body(
            [
              { id: 1, event: delta('Once ') },
              { id: 2, event: delta('upon ') },
            ],
            'drop',
          ),
        ),
      // A replay that repeats event 2 (as a proxy retrying might): skipped by id.
      () =>
        gateway.sse(
          body(
            [
              { id: 2, event: delta('upon ') },
              { id: 3, event: delta('a time') },
              { id: 4, event: DONE },
            ],
            'end',
          ),
        ),
    ]);
    const attempts: number[] = [];
    const client = createGatewayClient({
      baseUrl: BASE,
      apiKey: 'gwk_test',
      fetch: gateway.fetch,
      resumeBackoffMs: FAST,
    });
    const events = await collect(client.stream({ content: 'A story' }, { onResuming: (n) => attempts.push(n) }));
    expect(events).toEqual([delta('Once '), delta('upon '), delta('a time'), DONE]);
    expect(gateway.calls).toEqual([
      { method: 'POST', path: '/api/ai/stream', lastEventId: null },
      { method: 'GET', path: `/api/ai/streams/${STREAM_ID}`, lastEventId: '2' },
    ]);
    expect(attempts).toEqual([1]);
  });

  it('issue 18: a body that ends without done or error is a drop too, and a drop before any event resumes from the start', async () => {
    const gateway = scriptedGateway([
      () => gateway.sse(body([], 'end')),
      () => gateway.sse(body([{ id: 1, event: delta('Hi') }], 'end')),
      () => gateway.sse(body([{ id: 2, event: DONE }], 'end')),
    ]);
    const client = createGatewayClient({
      baseUrl: BASE,
      apiKey: 'gwk_test',
      fetch: gateway.fetch,
      resumeBackoffMs: FAST,
    });
    expect(await collect(client.stream({ content: 'Hi' }))).toEqual([delta('Hi'), DONE]);
    expect(gateway.calls.map((call) => call.lastEventId)).toEqual([null, null, '1']);
  });

  it('issue 18: failed attempts (503, unreachable) are retried; five in a row without an event end in stream_lost', async () => {
    const unavailable = () => new Response('busy', { status: 503 });
    const unreachable = (): Response => {
      throw new TypeError('fetch failed');
    };
    const gateway = scriptedGateway([
      () => gateway.sse(body([{ id: 1, event: delta('Hel') }], 'drop')),
      unavailable,
      () => gateway.sse(body([{ id: 2, event: delta('lo') }], 'drop')),
      unreachable,
      unavailable,
      unreachable,
      unavailable,
      unavailable,
    ]);
    const attempts: number[] = [];
    const client = createGatewayClient({
      baseUrl: BASE,
      apiKey: 'gwk_test',
      fetch: gateway.fetch,
      resumeBackoffMs: FAST,
    });
    const { seen, error } = await failureOf(client.stream({ content: 'Hi' }, { onResuming: (n) => attempts.push(n) }));
    expect(seen).toEqual([delta('Hel'), delta('lo')]);
    expect(error).toBeInstanceOf(GatewayClientError);
    expect(error).toMatchObject({ code: 'stream_lost', status: null });
    // The count starts again once a resumed connection delivered an event.
    expect(attempts).toEqual([1, 2, 1, 2, 3, 4, 5]);
    expect(gateway.calls).toHaveLength(8);
  });

  it('issue 18: a 404 on resume (expired, too large, another user’s) is stream_lost at once', async () => {
    const gateway = scriptedGateway([() => gateway.sse(body([{ id: 1, event: delta('Hel') }], 'drop')), notFound]);
    const client = createGatewayClient({
      baseUrl: BASE,
      apiKey: 'gwk_test',
      fetch: gateway.fetch,
      resumeBackoffMs: FAST,
    });
    const { seen, error } = await failureOf(client.stream({ content: 'Hi' }));
    expect(seen).toEqual([delta('Hel')]);
    expect(error).toMatchObject({ name: 'GatewayClientError', code: 'stream_lost' });
    expect(((error as GatewayClientError).cause as GatewayClientError).code).toBe('stream_not_found');
    expect(gateway.calls).toHaveLength(2);
  });

  it('issue 18: resume: false, or a gateway without x-stream-id, ends a drop with stream_lost and asks nothing more', async () => {
    const dropped = () => body([{ id: 1, event: delta('Hel') }], 'drop');
    const off = scriptedGateway([() => off.sse(dropped())]);
    const client = createGatewayClient({ baseUrl: BASE, apiKey: 'gwk_test', fetch: off.fetch, resumeBackoffMs: FAST });
    expect((await failureOf(client.stream({ content: 'Hi' }, { resume: false }))).error).toMatchObject({
      code: 'stream_lost',
    });
    expect(off.calls).toHaveLength(1);

    const old = scriptedGateway([() => old.sse(dropped())], { streamId: null });
    const oldClient = createGatewayClient({
      baseUrl: BASE,
      apiKey: 'gwk_test',
      fetch: old.fetch,
      resumeBackoffMs: FAST,
    });
    expect((await failureOf(oldClient.stream({ content: 'Hi' }))).error).toMatchObject({ code: 'stream_lost' });
    expect(old.calls).toHaveLength(1);
  });

  it('issue 18: aborting stops without resuming: an AbortError, no resume request, and the answer cancelled', async () => {
    const gateway = scriptedGateway([
      (_call, init) => gateway.sse(body([{ id: 1, event: delta('Hel') }], 'hold', init?.signal)),
      () => new Response(null, { status: 204 }),
    ]);
    const client = createGatewayClient({
      baseUrl: BASE,
      apiKey: 'gwk_test',
      fetch: gateway.fetch,
      resumeBackoffMs: FAST,
    });
    const controller = new AbortController();
    const seen: AiStreamEvent[] = [];
    const loop = (async () => {
      for await (const event of client.stream({ content: 'Hi' }, { signal: controller.signal })) {
        seen.push(event);
        controller.abort();
      }
    })();
    await expect(loop).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([delta('Hel')]);
    // No resume; the one request after the stream is the Stop that tells the gateway to end the answer now.
    expect(gateway.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /api/ai/stream',
      `DELETE /api/ai/streams/${STREAM_ID}`,
    ]);
  });

  it('issue 18: a 401 or 403 on resume is the gateway’s own error, not stream_lost', async () => {
    const gateway = scriptedGateway([
      () => gateway.sse(body([{ id: 1, event: delta('Hel') }], 'drop')),
      () =>
        new Response(JSON.stringify({ error: { code: 'unauthenticated', message: 'The key was revoked.' } }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        }),
    ]);
    const client = createGatewayClient({
      baseUrl: BASE,
      apiKey: 'gwk_test',
      fetch: gateway.fetch,
      resumeBackoffMs: FAST,
    });
    expect((await failureOf(client.stream({ content: 'Hi' }))).error).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('issue 18: fields a newer gateway adds to an event (done.output) reach the caller', async () => {
    const gateway = scriptedGateway([
      () => gateway.sse(body([{ id: 1, event: { ...DONE, output: { tags: ['a', 'b'] } } }], 'end')),
    ]);
    const client = createGatewayClient({ baseUrl: BASE, apiKey: 'gwk_test', fetch: gateway.fetch });
    expect(await collect(client.stream({ content: 'Hi' }))).toEqual([{ ...DONE, output: { tags: ['a', 'b'] } }]);
  });
});

describe('issue 18: resume over real HTTP (a loopback server that kills the connection mid-answer)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const running = server;
    server = undefined;
    if (running == null) return;
    running.closeAllConnections();
    await new Promise((resolve) => running.close(resolve));
  });

  it('issue 18: the socket is destroyed after two events; the client resumes after id 2 and completes the answer', async () => {
    const seenLastEventIds: (string | undefined)[] = [];
    server = createServer((request, response) => {
      if (request.method === 'POST' && request.url === '/api/ai/stream') {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'x-stream-id': STREAM_ID });
        response.write(frame({ id: 1, event: delta('Once ') }));
        response.write(frame({ id: 2, event: delta('upon ') }), () => {
          // Kill the connection, not the server: what a sleeping laptop or a restarting proxy does.
          setTimeout(() => request.socket.destroy(), 20);
        });
        return;
      }
      if (request.method === 'GET' && request.url === `/api/ai/streams/${STREAM_ID}`) {
        seenLastEventIds.push(request.headers['last-event-id'] as string | undefined);
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(frame({ id: 3, event: delta('a time') }));
        response.end(frame({ id: 4, event: DONE }));
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createGatewayClient({ baseUrl, apiKey: 'gwk_test', resumeBackoffMs: FAST });
    const events = await collect(client.stream({ content: 'A story' }));
    expect(events).toEqual([delta('Once '), delta('upon '), delta('a time'), DONE]);
    expect(seenLastEventIds).toEqual(['2']);
  });
});
