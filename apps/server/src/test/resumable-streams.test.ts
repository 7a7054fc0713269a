import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 18, item 5, over real HTTP against the strict Codex fake: ids on every event, `x-stream-id`, resuming with
// `Last-Event-ID` (replay, then live), only by the owner, for the retention period, within memory caps, and the
// upstream kept running while the client is briefly gone — aborted once it is gone for longer than the grace period.
// Timers are short settings, never long sleeps; how soon after the grace the abort comes is the timing job's.

/** Long enough that a client coming back in these tests is always within it, however loaded the machine. */
const LONG_GRACE_MS = 20_000;
const SHORT_GRACE_MS = 200;
const RETENTION_MS = 60_000;
/** Small enough that the long answer below passes it. */
const SMALL_CAP_BYTES = 4096;

let gateway: AiTestGateway;
let shortGrace: AiTestGateway;
let smallCap: AiTestGateway;
let alice: AiTestUser;
let bob: AiTestUser;
let carol: AiTestUser;
let dave: AiTestUser;

beforeAll(async () => {
  [gateway, shortGrace, smallCap] = await Promise.all([
    startAiTestGateway({ config: { streamResumeGraceMs: LONG_GRACE_MS, streamRetentionMs: RETENTION_MS } }),
    startAiTestGateway({ config: { streamResumeGraceMs: SHORT_GRACE_MS } }),
    startAiTestGateway({ config: { streamResumeGraceMs: LONG_GRACE_MS, streamMaxBytes: SMALL_CAP_BYTES } }),
  ]);
  alice = await gateway.addUser({ email: 'alice@home.test', chatgptAccount: 'alice@example.com' });
  bob = await gateway.addUser({ email: 'bob@home.test', chatgptAccount: 'bob@example.com' });
  carol = await shortGrace.addUser({ email: 'carol@home.test', chatgptAccount: 'carol@example.com' });
  dave = await smallCap.addUser({ email: 'dave@home.test', chatgptAccount: 'alice@example.com' });
});
afterAll(async () => {
  await Promise.all([gateway?.close(), shortGrace?.close(), smallCap?.close()]);
});
beforeEach(() => {
  for (const each of [gateway, shortGrace, smallCap]) each.fakeCodex.reset();
});

type Frame = {
  id: number | undefined;
  event: string | undefined;
  data: { type: string; text?: string; code?: string };
};

function parseFrames(text: string): Frame[] {
  return text
    .split('\n\n')
    .filter((block) => /^data: /m.test(block))
    .map((block) => {
      const id = /^id: (.*)$/m.exec(block)?.[1];
      return {
        id: id == null ? undefined : Number(id),
        event: /^event: (.*)$/m.exec(block)?.[1],
        data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null'),
      };
    });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

/** The raw text of each frame (`id:` … blank line), to compare a replay byte for byte with what was first sent. */
function rawFrames(text: string): string[] {
  return text.split('\n\n').filter((block) => /^data: /m.test(block));
}

function startStream(on: AiTestGateway, user: AiTestUser, signal?: AbortSignal) {
  return fetch(`${on.url}/api/ai/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chatgpt/gpt-5.5', content: 'Tell me a story' }),
    ...(signal == null ? {} : { signal }),
  });
}

function resumeStream(on: AiTestGateway, user: AiTestUser, streamId: string, lastEventId?: string) {
  return fetch(`${on.url}/api/ai/streams/${streamId}`, {
    headers: {
      authorization: `Bearer ${user.apiKey}`,
      ...(lastEventId == null ? {} : { 'last-event-id': lastEventId }),
    },
  });
}

/** Reads a stream until `count` frames arrived, then leaves (aborts the request); returns what it read. */
async function readFramesThenLeave(
  response: Response,
  controller: AbortController,
  count: number,
): Promise<{ text: string; leftAt: number }> {
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const deadline = Date.now() + 10_000;
  while (rawFrames(text).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} frames arrived: ${text}`);
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended after ${text}`);
    text += value;
  }
  controller.abort();
  return { text, leftAt: Date.now() };
}

describe('issue 18: resumable note-app streams', () => {
  it('issue 18: every event carries an id (1, 2, 3 …) and the answer an x-stream-id header', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text: 'Once upon a time there was a note.', deltaCount: 4 });
    const response = await startStream(gateway, alice);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-stream-id')).toMatch(/^ais_[A-Za-z0-9_-]{22}$/);
    expect(response.headers.get('x-gateway-provider')).toBe('chatgpt');
    const frames = parseFrames(await response.text());
    expect(frames.map((frame) => frame.id)).toEqual(frames.map((_, index) => index + 1));
    expect(frames.map((frame) => frame.event)).toEqual(['delta', 'delta', 'delta', 'delta', 'done']);
    expect(frames.every((frame) => frame.event === frame.data.type)).toBe(true);
  });

  it('issue 18: Last-Event-ID n replays the events after n as first sent, then follows live to the end', async () => {
    const text = 'The answer goes on after a pause, to the very end.';
    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text, deltaCount: 6, stall: { ms: 1500, afterDeltas: 3 } });
    const controller = new AbortController();
    const first = await startStream(gateway, alice, controller.signal);
    const streamId = first.headers.get('x-stream-id') ?? '';
    const { text: firstText } = await readFramesThenLeave(first, controller, 3);
    // The upstream is still in its pause: everything after event 3 can only come live.
    const resumed = await resumeStream(gateway, alice, streamId, '1');
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const body = await resumed.text();
    expect(rawFrames(body).slice(0, 2)).toEqual(rawFrames(firstText).slice(1, 3));
    const frames = parseFrames(body);
    expect(frames.map((frame) => frame.id)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(frames.at(-1)?.data.type).toBe('done');
    const all = [...parseFrames(firstText).slice(0, 1), ...frames];
    expect(all.map((frame) => frame.data.text ?? '').join('')).toBe(text);
    // The query form, for clients that cannot set the header; without either: from the first event.
    const byQuery = await fetch(`${gateway.url}/api/ai/streams/${streamId}?lastEventId=6`, {
      headers: { authorization: `Bearer ${alice.apiKey}` },
    });
    expect(parseFrames(await byQuery.text()).map((frame) => frame.id)).toEqual([7]);
    const fromStart = await resumeStream(gateway, alice, streamId);
    expect(parseFrames(await fromStart.text()).map((frame) => frame.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("issue 18: another user's key, an unknown id, an expired stream → 404 stream_not_found", async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text: 'A short private answer.', deltaCount: 2 });
    const first = await startStream(gateway, alice);
    const streamId = first.headers.get('x-stream-id') ?? '';
    await first.text();

    const asBob = await resumeStream(gateway, bob, streamId, '0');
    expect(asBob.status).toBe(404);
    expect(await errorOf(asBob)).toEqual({ code: 'stream_not_found', message: expect.any(String) });
    const unknown = await resumeStream(gateway, alice, 'ais_AAAAAAAAAAAAAAAAAAAAAA', '0');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('stream_not_found');
    const malformed = await resumeStream(gateway, alice, streamId, 'last');
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe('invalid_request');
    const anonymous = await fetch(`${gateway.url}/api/ai/streams/${streamId}`);
    expect(anonymous.status).toBe(401);

    // Within retention the owner can read it again; past it, it is gone.
    const again = await resumeStream(gateway, alice, streamId, '0');
    expect(parseFrames(await again.text()).at(-1)?.data.type).toBe('done');
    gateway.test.advanceTime(RETENTION_MS);
    const expired = await resumeStream(gateway, alice, streamId, '0');
    expect(expired.status).toBe(404);
    expect((await errorOf(expired)).code).toBe('stream_not_found');
  });

  it('issue 18: a client gone briefly does not abort the upstream, and the answer completes on resume', async () => {
    const text = 'An answer that pauses while the laptop sleeps, then finishes.';
    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text, deltaCount: 6, stall: { ms: 1500, afterDeltas: 1 } });
    const controller = new AbortController();
    const first = await startStream(gateway, alice, controller.signal);
    const streamId = first.headers.get('x-stream-id') ?? '';
    const { text: firstText } = await readFramesThenLeave(first, controller, 1);
    // Gone for a moment (the gateway notices the closed connection), back well within the grace period.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const resumed = await resumeStream(gateway, alice, streamId, '1');
    const frames = [...parseFrames(firstText), ...parseFrames(await resumed.text())];
    expect(frames.map((frame) => frame.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(frames.map((frame) => frame.data.text ?? '').join('')).toBe(text);
    expect(frames.at(-1)?.data.type).toBe('done');
    // The fake finished its answer: the gateway never closed the upstream request early.
    const exchange = await gateway.fakeCodex.waitForClose({ index: 0, timeoutMs: 5_000 });
    expect(exchange.isClientAbort).toBe(false);
    expect(gateway.fakeCodex.exchanges).toHaveLength(1);
  });

  it('issue 18: a client gone longer than the grace period aborts the upstream; the stream ends stream_abandoned', async () => {
    shortGrace.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'A long answer nobody waits for any more.',
      deltaCount: 6,
      stall: { ms: 10_000, afterDeltas: 1 },
    });
    const controller = new AbortController();
    const first = await startStream(shortGrace, carol, controller.signal);
    const streamId = first.headers.get('x-stream-id') ?? '';
    const { leftAt } = await readFramesThenLeave(first, controller, 1);
    // Well inside the fake's 10 s pause: only the gateway giving up can close it this early, and not before grace.
    const exchange = await shortGrace.fakeCodex.waitForClose({ index: 0, timeoutMs: 5_000 });
    expect(exchange.isClientAbort).toBe(true);
    expect(exchange.closedAt ?? 0).toBeGreaterThanOrEqual(leftAt + SHORT_GRACE_MS);
    const late = await resumeStream(shortGrace, carol, streamId, '1');
    expect(late.status).toBe(200);
    expect(parseFrames(await late.text())).toEqual([
      { id: 2, event: 'error', data: expect.objectContaining({ type: 'error', code: 'stream_abandoned' }) },
    ]);
  });

  it('issue 18: Stop (DELETE /api/ai/streams/:id) aborts the upstream at once, not after the grace period; only the owner may', async () => {
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'An answer the user stops.',
      deltaCount: 6,
      stall: { ms: 10_000, afterDeltas: 1 },
    });
    const controller = new AbortController();
    const first = await startStream(gateway, alice, controller.signal);
    const streamId = first.headers.get('x-stream-id') ?? '';
    await readFramesThenLeave(first, controller, 1);
    const cancel = (user: AiTestUser) =>
      fetch(`${gateway.url}/api/ai/streams/${streamId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${user.apiKey}` },
      });
    const byBob = await cancel(bob);
    expect(byBob.status).toBe(404);
    expect((await errorOf(byBob)).code).toBe('stream_not_found');
    expect((await cancel(alice)).status).toBe(204);
    // The grace period is 20 s and the fake pauses 10 s: only the Stop can close the upstream this soon.
    const exchange = await gateway.fakeCodex.waitForClose({ index: 0, timeoutMs: 5_000 });
    expect(exchange.isClientAbort).toBe(true);
    const late = await resumeStream(gateway, alice, streamId, '1');
    expect(parseFrames(await late.text())).toEqual([
      { id: 2, event: 'error', data: expect.objectContaining({ type: 'error', code: 'stream_cancelled' }) },
    ]);
  });

  it('issue 18: a stream past its memory cap is not resumable, and its live client still gets the whole answer', async () => {
    const text = 'A very long answer. '.repeat(1000);
    smallCap.fakeCodex.enqueueScenarios({ kind: 'stream', text, deltaCount: 100 });
    const response = await startStream(smallCap, dave);
    const streamId = response.headers.get('x-stream-id') ?? '';
    const frames = parseFrames(await response.text());
    expect(frames.map((frame) => frame.data.text ?? '').join('')).toBe(text);
    expect(frames.at(-1)?.data.type).toBe('done');
    expect(frames.map((frame) => frame.id)).toEqual(frames.map((_, index) => index + 1));
    const resumed = await resumeStream(smallCap, dave, streamId, '1');
    expect(resumed.status).toBe(404);
    expect((await errorOf(resumed)).code).toBe('stream_not_found');
  });

  it('issue 18: an error before the first byte is still a plain HTTP error, with no stream to resume', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit' });
    const response = await startStream(gateway, alice);
    expect(response.status).toBe(429);
    expect(response.headers.get('x-stream-id')).toBeNull();
    expect((await errorOf(response)).code).toBe('usage_limit_reached');
  });
});
