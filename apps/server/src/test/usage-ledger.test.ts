import { type FakeOpenAiApi, startFakeOpenAiApi } from '@pag/testkit';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRICE_TABLE_VERSION } from '../domain/usage/api-prices.ts';
import {
  type AiTestGateway,
  type AiTestUser,
  FAKE_GEMINI_KEYS,
  FAKE_OPENAI_KEYS,
  startAiTestGateway,
} from './start-ai-test-gateway.ts';

// Issue 19 acceptance, the ledger's half: requests over real HTTP against the fakes, across providers, keys, a
// session, features and every public AI route, each leave exactly one row with the counts the fakes sent — and no
// prompt or answer anywhere in the table.
let gateway: AiTestGateway;
let slowOpenAi: FakeOpenAiApi;
let alice: AiTestUser;
let bob: AiTestUser;

beforeAll(async () => {
  // A short resume grace period, so a note-app stream nobody reads is stopped within the test.
  gateway = await startAiTestGateway({ config: { streamResumeGraceMs: 200 } });
  // An upstream that takes its time, so a client can leave in the middle of the answer.
  slowOpenAi = await startFakeOpenAiApi({ apiKeys: FAKE_OPENAI_KEYS, chunkCount: 40, perChunkDelayMs: 50 });
  alice = await gateway.addUser({
    email: 'alice@home.test',
    chatgptAccount: 'alice@example.com',
    openaiKey: FAKE_OPENAI_KEYS[0],
    geminiKey: FAKE_GEMINI_KEYS[0],
    fallbackToApiKeys: true,
  });
  bob = await gateway.addUser({ email: 'bob@home.test', chatgptAccount: 'bob@example.com', fallbackToApiKeys: false });
  const saved = await gateway.sessionRequest(bob, 'PUT', '/api/credentials/openai', {
    apiKey: FAKE_OPENAI_KEYS[1],
    baseUrl: slowOpenAi.baseUrl,
  });
  if (saved.status !== 200) throw new Error(`saving the OpenAI key failed: ${await saved.text()}`);
});
afterAll(async () => {
  await slowOpenAi?.close();
  await gateway?.close();
});

type Row = Record<string, unknown>;
/** The ledger, oldest row first (PostgreSQL keeps no insertion order of its own). */
const rows = (): Promise<Row[]> => gateway.test.db.all<Row>(sql`select * from usage_events order by created_at`);
const keyIdOf = async (user: AiTestUser) =>
  (
    (await gateway.test.db.get<{ id: string }>(sql`select id from api_keys where user_id = ${user.userId}`)) as {
      id: string;
    }
  ).id;

const post = (user: AiTestUser, path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal == null ? {} : { signal }),
  });

/** Every prompt and answer text the requests below carry: none may reach the ledger. */
const CONTENT = [
  'Note one about apples',
  'Sum of apples.',
  'Note two about pears',
  'Pear insight.',
  'Relay me',
  'Relayed words',
  'Translate me',
  'Codex words',
  'Respond please',
  'Responded words',
  'Embed this text',
  'Fall back now',
  'Fallback words',
  'Limited ask',
  'Leave early',
];

describe('issue 19: one ledger row per request', () => {
  it('issue 19: after requests across providers, keys, a session and features, the ledger holds one row each with the fakes’ counts', async () => {
    const aliceKey = await keyIdOf(alice);
    const bobKey = await keyIdOf(bob);
    const expected: Row[] = [];
    const byKey = (user: AiTestUser, keyId: string) => ({
      user_id: user.userId,
      caller_kind: 'api-key',
      api_key_id: keyId,
    });

    // 1. The note-app stream on the subscription, with a feature.
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'Sum of apples.',
      usage: { inputTokens: 101, cachedTokens: 11, outputTokens: 21, reasoningTokens: 5 },
    });
    const stream = await post(alice, '/api/ai/stream', {
      content: 'Note one about apples',
      feature: 'summarize',
      model: 'chatgpt/gpt-5.5',
    });
    expect(stream.status).toBe(200);
    expect(await stream.text()).toContain('event: done');
    expected.push({
      ...byKey(alice, aliceKey),
      route: '/api/ai/stream',
      feature: 'summarize',
      provider: 'chatgpt',
      model: 'chatgpt/gpt-5.5',
      input_tokens: 101,
      cached_input_tokens: 11,
      output_tokens: 21,
      reasoning_tokens: 5,
      status: 200,
      error_code: null,
      fallback_from: null,
      is_subscription: 1,
      // At gpt-5.5's API price, $5 / $0.50 cached / $30 per 1M: 90 × 5 + 11 × 0.5 + 21 × 30 = 1,085.5 micro-USD.
      api_price_micros: 1086,
      price_version: PRICE_TABLE_VERSION,
    });

    // 2. The note-app JSON answer from Gemini, with the settings UI's session.
    gateway.fakeGemini.enqueueScenarios({
      kind: 'reply',
      text: 'Pear insight.',
      usage: { promptTokenCount: 102, cachedContentTokenCount: 12, candidatesTokenCount: 22, thoughtsTokenCount: 6 },
    });
    const chat = await gateway.sessionRequest(alice, 'POST', '/api/ai/chat', {
      content: 'Note two about pears',
      feature: 'insight',
      model: 'gemini/gemini-2.5-flash',
    });
    expect(chat.status).toBe(200);
    expected.push({
      user_id: alice.userId,
      caller_kind: 'session',
      api_key_id: null,
      route: '/api/ai/chat',
      feature: 'insight',
      provider: 'gemini',
      model: 'gemini/gemini-2.5-flash',
      input_tokens: 102,
      cached_input_tokens: 12,
      // Gemini counts thoughts beside the candidates; the answer's output is both.
      output_tokens: 28,
      reasoning_tokens: 6,
      status: 200,
      is_subscription: 0,
    });

    // 3. /v1 chat completions, streamed, relayed to the OpenAI-compatible key (usage from the relayed stream).
    gateway.fakeOpenAi.enqueueScenarios({
      kind: 'reply',
      text: 'Relayed words',
      usage: { promptTokens: 103, completionTokens: 23, cachedTokens: 13, reasoningTokens: 3 },
    });
    const relayed = await post(alice, '/v1/chat/completions', {
      model: 'openai/gpt-4.1',
      stream: true,
      messages: [{ role: 'user', content: 'Relay me' }],
    });
    expect(relayed.status).toBe(200);
    expect(await relayed.text()).toContain('[DONE]');
    expected.push({
      ...byKey(alice, aliceKey),
      route: '/v1/chat/completions',
      feature: null,
      provider: 'openai',
      model: 'openai/gpt-4.1',
      input_tokens: 103,
      cached_input_tokens: 13,
      output_tokens: 23,
      reasoning_tokens: 3,
      status: 200,
      is_subscription: 0,
      // gpt-4.1 at $2 / $0.50 cached / $8 per 1M: 90 × 2 + 13 × 0.5 + 23 × 8 = 370.5 micro-USD.
      api_price_micros: 371,
    });

    // 4. /v1 chat completions, not streamed, translated to the subscription.
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'Codex words',
      usage: { inputTokens: 104, cachedTokens: 14, outputTokens: 24, reasoningTokens: 4 },
    });
    const completion = await post(alice, '/v1/chat/completions', {
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'Translate me' }],
    });
    expect(completion.status).toBe(200);
    expected.push({
      ...byKey(alice, aliceKey),
      route: '/v1/chat/completions',
      provider: 'chatgpt',
      model: 'chatgpt/gpt-5.5',
      input_tokens: 104,
      cached_input_tokens: 14,
      output_tokens: 24,
      reasoning_tokens: 4,
      status: 200,
      is_subscription: 1,
    });

    // 5. /v1/responses streamed: the byte relay to the Codex backend (usage read from its response.completed).
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'Responded words',
      usage: { inputTokens: 105, cachedTokens: 15, outputTokens: 25, reasoningTokens: 5 },
    });
    const responses = await post(alice, '/v1/responses', {
      model: 'chatgpt/gpt-5.5',
      stream: true,
      input: 'Respond please',
    });
    expect(responses.status).toBe(200);
    expect(await responses.text()).toContain('response.completed');
    expected.push({
      ...byKey(alice, aliceKey),
      route: '/v1/responses',
      provider: 'chatgpt',
      model: 'chatgpt/gpt-5.5',
      input_tokens: 105,
      cached_input_tokens: 15,
      output_tokens: 25,
      reasoning_tokens: 5,
      status: 200,
      is_subscription: 1,
    });

    // 6. /v1/embeddings on the OpenAI key: the fake's count, as it answered it.
    const embeddings = await post(alice, '/v1/embeddings', {
      model: 'openai/text-embedding-3-small',
      input: 'Embed this text',
    });
    expect(embeddings.status).toBe(200);
    const embeddingsRequest = gateway.fakeOpenAi.requests.findLast((request) => request.path === '/v1/embeddings');
    expect(embeddingsRequest).toBeDefined();
    const embeddingTokens = ((await embeddings.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens;
    expect(embeddingTokens).toBeGreaterThan(0);
    expected.push({
      ...byKey(alice, aliceKey),
      route: '/v1/embeddings',
      provider: 'openai',
      input_tokens: embeddingTokens,
      output_tokens: null,
      status: 200,
    });

    // 7. A fallback: the subscription is limited before the first byte, the OpenAI key answers.
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 900 });
    gateway.fakeOpenAi.enqueueScenarios({
      kind: 'reply',
      text: 'Fallback words',
      usage: { promptTokens: 107, completionTokens: 27, cachedTokens: 17, reasoningTokens: 0 },
    });
    const fallback = await post(alice, '/api/ai/chat', { content: 'Fall back now' });
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get('x-gateway-provider')).toBe('openai');
    expected.push({
      ...byKey(alice, aliceKey),
      route: '/api/ai/chat',
      provider: 'openai',
      input_tokens: 107,
      cached_input_tokens: 17,
      output_tokens: 27,
      status: 200,
      fallback_from: expect.stringMatching(/^chatgpt\//),
      is_subscription: 0,
    });

    // 8. An error before the first byte, another key: the subscription is limited and bob has no fallback.
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 600 });
    const limited = await post(bob, '/v1/chat/completions', {
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'Limited ask' }],
    });
    expect(limited.status).toBe(429);
    expected.push({
      ...byKey(bob, bobKey),
      route: '/v1/chat/completions',
      // The step that failed: the subscription's model.
      provider: 'chatgpt',
      model: 'chatgpt/gpt-5.5',
      is_subscription: 1,
      input_tokens: null,
      output_tokens: null,
      first_token_ms: null,
      status: 429,
      error_code: 'usage_limit_reached',
    });

    // 9. A client that leaves in the middle of a slow stream.
    const controller = new AbortController();
    const leaving = await post(
      bob,
      '/v1/chat/completions',
      { model: 'openai/gpt-4.1', stream: true, messages: [{ role: 'user', content: 'Leave early' }] },
      controller.signal,
    );
    expect(leaving.status).toBe(200);
    await leaving.body?.getReader().read();
    controller.abort();
    expected.push({ ...byKey(bob, bobKey), route: '/v1/chat/completions', provider: 'openai', status: 499 });

    // Rows are written in batches (250 ms): wait for all of them, then a little longer to see no extra one.
    await expect.poll(async () => (await rows()).length, { timeout: 5_000, interval: 50 }).toBe(expected.length);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const written = await rows();
    expect(written).toHaveLength(expected.length);
    for (const row of expected) expect(written).toContainEqual(expect.objectContaining(row));
    // Every answered row knows when its first output came and how long it took.
    for (const row of written) {
      expect(row.duration_ms).toEqual(expect.any(Number));
      if (row.status === 200) expect(row.first_token_ms).toEqual(expect.any(Number));
    }
    // What the usage API adds up is what the fakes reported, row by row; the request log lists each request.
    const aliceRows = written.filter((row) => row.user_id === alice.userId);
    const sum = (column: string) => aliceRows.reduce((total, row) => total + Number(row[column] ?? 0), 0);
    const usage = await gateway.sessionRequest(alice, 'GET', '/api/usage?groupBy=provider');
    expect(usage.status).toBe(200);
    const { totals } = (await usage.json()) as { totals: Record<string, number> };
    expect(totals).toMatchObject({
      requests: aliceRows.length,
      inputTokens: sum('input_tokens'),
      cachedInputTokens: sum('cached_input_tokens'),
      outputTokens: sum('output_tokens'),
      reasoningTokens: sum('reasoning_tokens'),
    });
    expect(totals.apiPriceUsd).toBeCloseTo(sum('api_price_micros') / 1e6, 9);
    const log = await gateway.sessionRequest(alice, 'GET', '/api/usage/requests?limit=500');
    const listed = ((await log.json()) as { requests: Array<{ id: string }> }).requests.map((row) => row.id);
    expect(listed.sort()).toEqual(aliceRows.map((row) => String(row.id)).sort());
    // Metadata only: not one prompt or answer in any column.
    const table = JSON.stringify(written);
    for (const text of CONTENT) expect(table).not.toContain(text);
  });

  it('issue 19: a note-app stream whose client leaves and never comes back is one row, 499, once its grace period ends', async () => {
    const streamRows = async () =>
      (await rows()).filter(
        (row) => row.route === '/api/ai/stream' && row.user_id === alice.userId && row.status === 499,
      );
    const before = (await rows()).length;
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'Slow words that take a while to arrive',
      deltaCount: 40,
      deltaDelayMs: 50,
    });
    const controller = new AbortController();
    const response = await post(
      alice,
      '/api/ai/stream',
      { content: 'Leave the note', model: 'chatgpt/gpt-5.5' },
      controller.signal,
    );
    expect(response.status).toBe(200);
    await response.body?.getReader().read();
    controller.abort();
    await expect.poll(async () => (await streamRows()).length, { timeout: 5_000, interval: 50 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await rows()).toHaveLength(before + 1);
    expect((await streamRows())[0]).toMatchObject({
      provider: 'chatgpt',
      error_code: null,
      first_token_ms: expect.any(Number),
    });
  });

  it('issue 19: a client that leaves before a plain (non-stream) answer is one row, 499', async () => {
    const leftRows = async () =>
      (await rows()).filter((row) => row.user_id === bob.userId && row.route === '/v1/chat/completions');
    const before = (await leftRows()).length;
    const exchangesBefore = gateway.fakeCodex.exchanges.length;
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'An answer that stalls after its first words.',
      deltaCount: 6,
      stall: { ms: 10_000, afterDeltas: 1 },
    });
    const controller = new AbortController();
    const request = post(
      bob,
      '/v1/chat/completions',
      { model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Wait for it' }] },
      controller.signal,
    );
    await expect
      .poll(() => gateway.fakeCodex.exchanges.length, { timeout: 5_000, interval: 20 })
      .toBeGreaterThan(exchangesBefore);
    // The answer has started upstream and stalls: the client gives up waiting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await expect(request).rejects.toThrow();
    await expect.poll(async () => (await leftRows()).length, { timeout: 5_000, interval: 50 }).toBe(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await leftRows()).toHaveLength(before + 1);
    expect((await leftRows()).at(-1)).toMatchObject({ status: 499, output_tokens: null });
  });
});
