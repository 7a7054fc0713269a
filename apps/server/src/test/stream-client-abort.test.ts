import { type FakeOpenAiApi, startFakeOpenAiApi } from '@pag/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, FAKE_OPENAI_KEYS, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 15: the stream pump ends every `/v1` stream with one access line, 499 when the client left before the end
// (and 200 otherwise), on each stream route: chat completions, the relayed and the translated Responses stream.
let gateway: AiTestGateway;
let slowOpenAi: FakeOpenAiApi;
let user: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  // An OpenAI-compatible upstream that takes its time, so the client can leave in the middle of the answer.
  slowOpenAi = await startFakeOpenAiApi({ apiKeys: FAKE_OPENAI_KEYS, chunkCount: 40, perChunkDelayMs: 50 });
  user = await gateway.addUser({ email: 'leaving@home.test', chatgptAccount: 'bob@example.com' });
  const saved = await gateway.sessionRequest(user, 'PUT', '/api/credentials/openai', {
    apiKey: FAKE_OPENAI_KEYS[0],
    baseUrl: slowOpenAi.baseUrl,
  });
  if (saved.status !== 200) throw new Error(`saving the OpenAI key failed: ${await saved.text()}`);
});
afterAll(async () => {
  await slowOpenAi?.close();
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  slowOpenAi.reset();
});

type AccessLine = { msg: string; reqId?: string; access?: { route: string; status: number } };

/** Reads the first bytes of a stream, then leaves; resolves with the request id the gateway answered with. */
async function leaveAfterFirstBytes(path: string, body: unknown): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  await response.body?.getReader().read();
  controller.abort();
  return response.headers.get('x-request-id') ?? '';
}

/** The access lines logged for one request, waiting a little for the stream to notice the client left. */
async function accessLinesOf(requestId: string): Promise<AccessLine['access'][]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = gateway.test.logs
      .map((line) => JSON.parse(line) as AccessLine)
      .filter((line) => line.msg === 'v1 request' && line.reqId === requestId);
    if (lines.length > 0 || Date.now() > deadline) {
      // Once is once: give a second line the time to show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return gateway.test.logs
        .map((line) => JSON.parse(line) as AccessLine)
        .filter((line) => line.msg === 'v1 request' && line.reqId === requestId)
        .map((line) => line.access);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('issue 15: a client that leaves a /v1 stream gets one access line with status 499', () => {
  it('should log 499 once for chat completions', async () => {
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'An answer that stops in the middle for a long while.',
      deltaCount: 6,
      stall: { ms: 10_000, afterDeltas: 1 },
    });
    const requestId = await leaveAfterFirstBytes('/v1/chat/completions', {
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    expect(await accessLinesOf(requestId)).toEqual([
      expect.objectContaining({ route: 'POST /v1/chat/completions', status: 499 }),
    ]);
  });

  it('should log 499 once for the relayed Responses stream', async () => {
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'An answer that stops in the middle for a long while.',
      deltaCount: 6,
      stall: { ms: 10_000, afterDeltas: 1 },
    });
    const requestId = await leaveAfterFirstBytes('/v1/responses', {
      model: 'chatgpt/gpt-5.5',
      input: 'Hi',
      stream: true,
    });
    expect(await accessLinesOf(requestId)).toEqual([
      expect.objectContaining({ route: 'POST /v1/responses', status: 499 }),
    ]);
  });

  it('should log 499 once for the translated Responses stream, and 200 for one read to the end', async () => {
    const leftId = await leaveAfterFirstBytes('/v1/responses', { model: 'openai/gpt-4.1', input: 'Hi', stream: true });
    expect(await accessLinesOf(leftId)).toEqual([
      expect.objectContaining({ route: 'POST /v1/responses', status: 499 }),
    ]);

    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', input: 'Hi', stream: true }),
    });
    expect(await response.text()).toContain('response.completed');
    expect(await accessLinesOf(response.headers.get('x-request-id') ?? '')).toEqual([
      expect.objectContaining({ route: 'POST /v1/responses', status: 200 }),
    ]);
  });
});
