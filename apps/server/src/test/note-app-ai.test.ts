import { GatewayClientError } from '@pag/client';
import type { AiStreamEvent, ConnectionList } from '@pag/contracts';
import { FAKE_CODEX_REPLY_TEXT, type RecordedRequest } from '@pag/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { abortStreamAfterFirstDelta } from './abort-stream-after-first-delta.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 4 acceptance, end to end over real HTTP: the typed client → the listening gateway → the strict fakes.
let gateway: AiTestGateway;
let alice: AiTestUser;
let bob: AiTestUser;
let carol: AiTestUser;
/** Refresh grants the fake auth saw before the current test (its log is not reset: tokens must stay valid). */
let refreshesBefore = 0;

/**
 * Issue 18: a stream's upstream outlives its client for the resume grace period; short here, so the tests of a client
 * leaving (below) see the abort without waiting out the default 30 s.
 */
/**
 * Longer than any wait below: an upstream closed within seconds was closed by the client's Stop (the SDK cancels the
 * answer), not by the grace period running out (that path is resumable-streams.test.ts').
 */
const GRACE_MS = 20_000;

beforeAll(async () => {
  gateway = await startAiTestGateway({ config: { streamResumeGraceMs: GRACE_MS } });
  alice = await gateway.addUser({ email: 'alice@home.test', chatgptAccount: 'alice@example.com' });
  bob = await gateway.addUser({
    email: 'bob@home.test',
    chatgptAccount: 'bob@example.com',
    openaiKey: 'sk-test-bob-0000000000000001',
    fallbackToApiKeys: true,
  });
  carol = await gateway.addUser({
    email: 'carol@home.test',
    chatgptAccount: 'carol@example.com',
    openaiKey: 'sk-test-carol-00000000002',
    fallbackToApiKeys: false,
  });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  gateway.fakeOpenAi.reset();
  refreshesBefore = allRefreshRequests().length;
});

async function collect(events: AsyncIterable<AiStreamEvent>): Promise<AiStreamEvent[]> {
  const all: AiStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

function textOf(events: AiStreamEvent[]): string {
  return events.map((event) => (event.type === 'delta' ? event.text : '')).join('');
}

function bodyOf(request: RecordedRequest | undefined): Record<string, unknown> {
  expect(request).toBeDefined();
  return request?.json as Record<string, unknown>;
}

function accountIdOf(email: string): string {
  const account = gateway.fakeAuth.accounts.find((candidate) => candidate.email === email);
  if (account == null) throw new Error(`no fake account ${email}`);
  return account.chatgptAccountId;
}

function refreshRequests() {
  return allRefreshRequests().slice(refreshesBefore);
}

function allRefreshRequests() {
  return gateway.fakeAuth.requests.filter((request) => {
    const body = (request.json ?? request.form) as Record<string, unknown> | undefined;
    return request.path === '/oauth/token' && body?.grant_type === 'refresh_token';
  });
}

describe('issue 4: the note-app stream through the ChatGPT subscription', () => {
  it('should stream the answer and send the Codex backend what the official client sends', async () => {
    const firstTurn = await collect(
      alice.client.stream({
        model: 'chatgpt/gpt-5.5',
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    );
    expect(textOf(firstTurn)).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(firstTurn.filter((event) => event.type === 'delta').length).toBeGreaterThan(1);
    const done = firstTurn.at(-1);
    expect(done).toMatchObject({ type: 'done', provider: 'chatgpt', model: 'chatgpt/gpt-5.5', finishReason: 'stop' });
    expect(done?.type === 'done' && done.usage.outputTokens).toBeGreaterThan(0);

    const secondTurn = await collect(
      alice.client.stream({
        model: 'chatgpt/gpt-5.5',
        system: 'Be brief.',
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: FAKE_CODEX_REPLY_TEXT },
          { role: 'user', content: 'And now?' },
        ],
      }),
    );
    expect(secondTurn.at(-1)?.type).toBe('done');

    const [first, second] = gateway.fakeCodex.exchanges;
    expect(gateway.fakeCodex.exchanges).toHaveLength(2);
    for (const exchange of [first, second]) {
      expect(exchange?.status).toBe(200);
      expect(exchange?.accountId).toBe(accountIdOf('alice@example.com'));
      const body = bodyOf(exchange?.request);
      expect(body.store).toBe(false);
      expect(body.stream).toBe(true);
      expect(body).not.toHaveProperty('max_output_tokens');
      expect(Array.isArray(body.input)).toBe(true);
      expect(body.include).toEqual(['reasoning.encrypted_content']);
      expect(exchange?.request?.headers['chatgpt-account-id']).toBe(accountIdOf('alice@example.com'));
      expect(exchange?.request?.headers.accept).toBe('text/event-stream');
      expect(exchange?.request?.headers.originator).toBe('personal_ai_gateway');
    }
    const firstBody = bodyOf(first?.request);
    const secondBody = bodyOf(second?.request);
    // One conversation: the same cache key and session id on every turn, and the history grows.
    expect(typeof firstBody.prompt_cache_key).toBe('string');
    expect(secondBody.prompt_cache_key).toBe(firstBody.prompt_cache_key);
    expect(first?.request?.headers['session-id']).toBe(firstBody.prompt_cache_key);
    expect(second?.request?.headers['session-id']).toBe(firstBody.prompt_cache_key);
    expect((secondBody.input as unknown[]).length).toBeGreaterThan((firstBody.input as unknown[]).length);
  });

  it('should give another conversation, and another user, their own session id', async () => {
    await alice.client.chat({ model: 'chatgpt/gpt-5.5', content: 'First conversation' });
    await alice.client.chat({ model: 'chatgpt/gpt-5.5', content: 'Another conversation' });
    await carol.client.chat({ model: 'chatgpt/gpt-5.5', content: 'First conversation' });
    const keys = gateway.fakeCodex.exchanges.map((exchange) => bodyOf(exchange.request).prompt_cache_key);
    expect(new Set(keys).size).toBe(3);
  });

  it('should keep the plan limits the backend reports on the connection, for the settings page', async () => {
    gateway.fakeCodex.setRateLimits({
      primaryUsedPercent: 37,
      primaryWindowMinutes: 300,
      primaryResetAfterSeconds: 3600,
    });
    const before = Date.now();
    await alice.client.chat({ model: 'chatgpt/gpt-5.5', content: 'How much is left?' });
    const response = await gateway.sessionRequest(alice, 'GET', '/api/connections');
    const [connection] = ((await response.json()) as ConnectionList).connections;
    expect(connection?.rateLimits?.primary).toMatchObject({ usedPercent: 37, windowMinutes: 300 });
    const resetsAt = Date.parse(connection?.rateLimits?.primary?.resetsAt ?? '');
    expect(resetsAt).toBeGreaterThanOrEqual(before + 3_599_000);
    expect(resetsAt).toBeLessThanOrEqual(Date.now() + 3_601_000);
    expect(connection?.rateLimits?.secondary).not.toBeNull();
  });

  it('should answer /api/ai/chat as JSON from the same stream', async () => {
    const answer = await alice.client.chat({ model: 'gpt-5.5', content: 'Hello' });
    expect(answer).toMatchObject({
      content: FAKE_CODEX_REPLY_TEXT,
      provider: 'chatgpt',
      model: 'chatgpt/gpt-5.5',
      finishReason: 'stop',
    });
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
  });

  it('should refresh once and retry once when the backend refuses the access token mid-conversation', async () => {
    await alice.client.chat({ model: 'chatgpt/gpt-5.5', content: 'Turn one' });
    expect(refreshRequests()).toHaveLength(0);
    gateway.fakeCodex.rejectAccessToken({ times: 1 });

    const events = await collect(
      alice.client.stream({
        model: 'chatgpt/gpt-5.5',
        messages: [
          { role: 'user', content: 'Turn one' },
          { role: 'assistant', content: FAKE_CODEX_REPLY_TEXT },
          { role: 'user', content: 'Turn two' },
        ],
      }),
    );
    expect(events.some((event) => event.type === 'error')).toBe(false);
    expect(textOf(events)).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(events.at(-1)?.type).toBe('done');
    expect(refreshRequests()).toHaveLength(1);
    expect(gateway.fakeCodex.exchanges.map((exchange) => exchange.status)).toEqual([200, 401, 200]);
    const [, refused, retried] = gateway.fakeCodex.exchanges;
    expect(retried?.request?.headers.authorization).not.toBe(refused?.request?.headers.authorization);
  });
});

describe('issue 4: usage limits and the API-key fallback', () => {
  it('should answer from the API-key provider when the subscription is limited and fallback is on', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 900 });
    const answer = await bob.client.chat({ content: 'Summarise my day' });
    expect(answer.provider).toBe('openai');
    expect(answer.model.startsWith('openai/')).toBe(true);
    expect(answer.content.length).toBeGreaterThan(0);
    expect(gateway.fakeCodex.exchanges.map((exchange) => exchange.status)).toEqual([429]);
    const upstream = gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST');
    expect(upstream).toHaveLength(1);
    expect(upstream[0]?.headers.authorization).toBe('Bearer sk-test-bob-0000000000000001');
  });

  it('should stream the fallback answer too, and say which provider answered', async () => {
    gateway.fakeCodex.enqueueScenarios('usage-limit');
    const events = await collect(bob.client.stream({ content: 'Summarise my day' }));
    expect(events.at(-1)).toMatchObject({ type: 'done', provider: 'openai' });
  });

  it('should answer 429 with Retry-After from resets_at when fallback is off', async () => {
    gateway.fakeCodex.enqueueScenarios(
      { kind: 'usage-limit', resetsInSeconds: 600 },
      { kind: 'usage-limit', resetsInSeconds: 600 },
    );
    const error = await carol.client.chat({ content: 'Summarise my day' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayClientError);
    expect(error).toMatchObject({ status: 429, code: 'usage_limit_reached' });
    const retryAfter = (error as GatewayClientError).retryAfter ?? 0;
    expect(retryAfter).toBeGreaterThanOrEqual(598);
    expect(retryAfter).toBeLessThanOrEqual(601);

    const response = await fetch(`${gateway.url}/api/ai/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${carol.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Summarise my day' }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(598);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/usage limit/i);
    expect(gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
  });
});

describe('issue 16: fallback on, but never mid-answer', () => {
  // README, "Fallback": a request goes to the API-key providers only before anything was sent to the client. Bob has
  // fallback on and an OpenAI key; each failure comes after the subscription's first words, including the usage
  // limit, which would be a reason to fall back before them.
  const FAILURES_AFTER_OUTPUT = [
    ['cut off', { kind: 'disconnect', afterDeltas: 2 }],
    [
      'a usage limit',
      { kind: 'failed', error: { type: 'usage_limit_reached', code: 'usage_limit_reached', message: 'limit' } },
    ],
    ['a server error', { kind: 'failed', error: { code: 'server_error', message: 'The server had an error.' } }],
  ] as const;

  it.each(FAILURES_AFTER_OUTPUT)(
    'issue 16: stream: the subscription’s words, then an error event (%s)',
    async (_what, ending) => {
      gateway.fakeCodex.enqueueScenarios({
        kind: 'stream',
        text: 'The first words of an answer',
        deltaCount: 4,
        ending,
      });
      const events = await collect(bob.client.stream({ model: 'chatgpt/gpt-5.5', content: 'Summarise my day' }));
      const deltas = events.filter((event) => event.type === 'delta');
      expect(deltas.length).toBeGreaterThan(0);
      expect(textOf(events)).toBe('The first words of an answer'.slice(0, textOf(events).length));
      expect(events.at(-1)?.type).toBe('error');
      expect(events.some((event) => event.type === 'done')).toBe(false);
      expect(gateway.fakeCodex.exchanges).toHaveLength(1);
      expect(gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST')).toEqual([]);
    },
  );

  it.each(FAILURES_AFTER_OUTPUT)(
    'issue 16: chat: an error, not another provider’s answer (%s)',
    async (_what, ending) => {
      gateway.fakeCodex.enqueueScenarios({
        kind: 'stream',
        text: 'The first words of an answer',
        deltaCount: 4,
        ending,
      });
      const error = await bob.client
        .chat({ model: 'chatgpt/gpt-5.5', content: 'Summarise my day' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GatewayClientError);
      expect((error as GatewayClientError).status).toBeGreaterThanOrEqual(400);
      expect(gateway.fakeCodex.exchanges).toHaveLength(1);
      expect(gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST')).toEqual([]);
    },
  );

  it('issue 16: the same failure before any output does fall back (so the tests above can fail)', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit' });
    const events = await collect(bob.client.stream({ model: 'chatgpt/gpt-5.5', content: 'Summarise my day' }));
    expect(events.at(-1)).toMatchObject({ type: 'done', provider: 'openai' });
    expect(gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });
});

describe('issue 16: leaving the client’s loop', () => {
  it('issue 16: a break out of stream() makes the gateway close the upstream request (issue 18: the SDK cancels the answer)', async () => {
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'A long answer that takes its time to arrive, word after word.',
      deltaCount: 6,
      stall: { ms: 10_000, afterDeltas: 1 },
    });
    const events: AiStreamEvent[] = [];
    let leftAt = 0;
    for await (const event of alice.client.stream({ model: 'chatgpt/gpt-5.5', content: 'Tell me a long story' })) {
      events.push(event);
      leftAt = Date.now();
      if (event.type === 'delta') break;
    }
    expect(events.map((event) => event.type)).toEqual(['delta']);
    // Well inside the fake's 10 s stall and the 20 s grace: only the client's cancel can close it this early.
    const exchange = await gateway.fakeCodex.waitForClose({ index: 0, timeoutMs: 5_000 });
    expect(exchange.isClientAbort).toBe(true);
    expect(exchange.closedAt ?? Number.POSITIVE_INFINITY).toBeLessThan(leftAt + GRACE_MS);
  });
});

describe('issue 4: a client that goes away', () => {
  // How soon (within 100 ms of the grace period's end) is asserted in client-abort.timing.test.ts, the timing job.
  it('should close the upstream request when the client aborts (issue 18: the SDK cancels the answer)', async () => {
    const { events, abortedAt, error } = await abortStreamAfterFirstDelta(gateway, alice);
    expect((error as Error | null)?.name).toBe('AbortError');
    expect(events).toHaveLength(1);
    // Well inside the fake's 10 s stall and the 20 s grace: only the client's cancel can close it this early.
    const exchange = await gateway.fakeCodex.waitForClose({ index: 0, timeoutMs: 5_000 });
    expect(exchange.isClientAbort).toBe(true);
    expect(exchange.closedAt ?? Number.POSITIVE_INFINITY).toBeLessThan(abortedAt + GRACE_MS);
  });
});
