import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, FAKE_OPENAI_KEYS, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 15 acceptance: every stream route waits for a slow reader. The client stops reading while the upstream
// could go on producing a long answer; the gateway's own buffer for that response (`writableLength`, what Node holds
// in memory beyond what the kernel took) must stay near one socket high-water mark instead of growing with the
// answer, and the whole answer must still arrive once the client reads again. Each test first sees the gateway's
// socket backed up (the client really stopped reading and the kernel buffers are full), so none can pass vacuously.
let gateway: AiTestGateway;
let user: AiTestUser;

/**
 * Twice what the kernel buffers between the gateway and a paused client took here (about 4 MiB: Linux's default
 * `tcp_wmem` maximum), so the gateway has to wait whatever it does; text, not framing, so every route sends more.
 */
const ANSWER_CHARACTERS = 8 * 1024 * 1024;
const DELTA_COUNT = 4096;
/** One high-water mark (16 KiB) plus one frame or relayed chunk (up to 64 KiB), with room to spare. */
const BUFFER_BOUND_BYTES = 256 * 1024;
/** How long the client stays paused once the gateway is backed up; without the wait the buffer grows within it. */
const PAUSE_MS = 500;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({
    email: 'slow-reader@home.test',
    chatgptAccount: 'alice@example.com',
    openaiKey: FAKE_OPENAI_KEYS[0],
  });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  gateway.fakeOpenAi.reset();
});

/** A long answer whose text shows where every piece belongs, so a lost or repeated delta is seen. */
function longAnswer(): string {
  let text = '';
  for (let index = 0; text.length < ANSWER_CHARACTERS; index += 1) text += `${index.toString(36)} `;
  return text;
}

type SlowReadResult = {
  /** The largest `writableLength` of the gateway's response while the client was paused. */
  maxBufferedBytes: number;
  /** The gateway had not ended its response by the end of the pause: it was holding the upstream back. */
  wasOpenAfterPause: boolean;
  /** The whole body the client read after resuming. */
  body: string;
};

/**
 * POSTs `body` to `path` with a client that stops reading as soon as the headers arrive, watches the gateway's own
 * response for it until the socket is backed up and then for {@link PAUSE_MS}, and reads the rest afterwards.
 */
async function readSlowly(path: string, body: unknown): Promise<SlowReadResult> {
  const marker = `slow-${Math.random().toString(36).slice(2)}`;
  let gatewayResponse: ServerResponse | undefined;
  const server = gateway.test.app.server;
  const capture = (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers['x-test-stream'] === marker) gatewayResponse = response;
  };
  server.on('request', capture);
  try {
    const url = new URL(path, gateway.url);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = httpRequest(url, {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${user.apiKey}`,
          'content-type': 'application/json',
          'x-test-stream': marker,
        },
      });
      outgoing.once('response', resolve);
      outgoing.once('error', reject);
      outgoing.end(JSON.stringify(body));
    });
    // Stops reading at once: the kernel buffers fill, then the gateway's socket reports it needs a drain.
    response.pause();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const raw = gatewayResponse;
    if (raw == null) throw new Error('the gateway response was not captured');

    const backedUpBy = Date.now() + 10_000;
    while (!raw.writableNeedDrain) {
      if (raw.writableEnded) throw new Error('the gateway wrote the whole answer before the client stopped reading');
      if (Date.now() > backedUpBy) throw new Error('the gateway never filled the socket of the paused client');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    let maxBufferedBytes = raw.writableLength;
    const pauseEndsAt = Date.now() + PAUSE_MS;
    while (Date.now() < pauseEndsAt && maxBufferedBytes <= BUFFER_BOUND_BYTES) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      maxBufferedBytes = Math.max(maxBufferedBytes, raw.writableLength);
    }
    const wasOpenAfterPause = !raw.writableEnded;

    response.setEncoding('utf8');
    let text = '';
    response.on('data', (chunk: string) => {
      text += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      response.once('end', resolve);
      response.once('error', reject);
      response.resume();
    });
    return { maxBufferedBytes, wasOpenAfterPause, body: text };
  } finally {
    server.off('request', capture);
  }
}

/** The JSON `data` of every event of an SSE body, with its `event:` name when it has one. */
function eventsOf(body: string): { name: string | undefined; data: string }[] {
  return body
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      return { name, data };
    });
}

function expectBounded(result: SlowReadResult): void {
  expect(result.maxBufferedBytes).toBeLessThanOrEqual(BUFFER_BOUND_BYTES);
  expect(result.wasOpenAfterPause).toBe(true);
}

describe('issue 15: every stream route waits for a slow reader', () => {
  it('should hold the note-app stream (/api/ai/stream) back while the client does not read', async () => {
    const text = longAnswer();
    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text, deltaCount: DELTA_COUNT });
    const result = await readSlowly('/api/ai/stream', { model: 'chatgpt/gpt-5.5', content: 'A long story' });
    expectBounded(result);
    const events = eventsOf(result.body).map((event) => JSON.parse(event.data) as { type: string; text?: string });
    expect(
      events
        .filter((event) => event.type === 'delta')
        .map((event) => event.text)
        .join(''),
    ).toBe(text);
    expect(events.at(-1)?.type).toBe('done');
  });

  it('should hold the chat completions relay (/v1/chat/completions) back while the client does not read', async () => {
    const text = longAnswer();
    gateway.fakeOpenAi.enqueueScenarios({ kind: 'reply', text, chunkCount: DELTA_COUNT });
    const result = await readSlowly('/v1/chat/completions', {
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'A long story' }],
      stream: true,
    });
    expectBounded(result);
    const data = eventsOf(result.body).map((event) => event.data);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((json) => JSON.parse(json) as { choices: { delta: { content?: string } }[] });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(text);
  });

  it('should hold the relayed Responses stream (/v1/responses on the subscription) back while the client does not read', async () => {
    const text = longAnswer();
    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text, deltaCount: DELTA_COUNT });
    const result = await readSlowly('/v1/responses', { model: 'chatgpt/gpt-5.5', input: 'A long story', stream: true });
    expectBounded(result);
    const events = eventsOf(result.body).map((event) => JSON.parse(event.data) as { type: string; delta?: string });
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    expect(deltas.map((event) => event.delta).join('')).toBe(text);
    expect(events.at(-1)?.type).toBe('response.completed');
  });

  it('should hold the translated Responses stream (/v1/responses on an API key) back while the client does not read', async () => {
    const text = longAnswer();
    gateway.fakeOpenAi.enqueueScenarios({ kind: 'reply', text, chunkCount: DELTA_COUNT });
    const result = await readSlowly('/v1/responses', { model: 'openai/gpt-4.1', input: 'A long story', stream: true });
    expectBounded(result);
    const events = eventsOf(result.body).map((event) => JSON.parse(event.data) as { type: string; delta?: string });
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    expect(deltas.map((event) => event.delta).join('')).toBe(text);
    expect(events.at(-1)?.type).toBe('response.completed');
  });
});
