import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// The official `openai` SDK with its defaults (two retries, honouring Retry-After to the second) against a
// subscription whose usage limit is reached for an hour, or for days (the weekly window): it must give up at once.
let gateway: AiTestGateway;
let user: AiTestUser;

const HOUR = 3600;
const FOUR_DAYS = 4 * 86_400;
/** The acceptance of issue 17: the SDK reports the limit in under two seconds instead of sleeping until it resets. */
const PROMPT_ANSWER_MS = 2000;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'limited@home.test', chatgptAccount: 'alice@example.com' });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
});

/** Model calls the fake Codex backend received (it records only those). */
function codexCalls(): number {
  return gateway.fakeCodex.exchanges.length;
}

/** The SDK exactly as an app builds it: no retry or timeout settings of ours. */
function sdk(): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: user.apiKey });
}

describe('a usage-limited subscription through the official OpenAI SDK', () => {
  for (const resetsInSeconds of [HOUR, FOUR_DAYS]) {
    it(`issue 17: chat.completions rejects with RateLimitError at once, no retry (limit resets in ${resetsInSeconds} s)`, async () => {
      // Queued twice: a retry would get the same answer (and the test would see the second upstream call).
      gateway.fakeCodex.enqueueScenarios(
        { kind: 'usage-limit', resetsInSeconds },
        { kind: 'usage-limit', resetsInSeconds },
      );
      const startedAt = performance.now();
      const error = await sdk()
        .chat.completions.create({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] })
        .catch((caught: unknown) => caught);
      const elapsedMs = performance.now() - startedAt;

      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(elapsedMs).toBeLessThan(PROMPT_ANSWER_MS);
      expect(codexCalls()).toBe(1);
      const limit = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(limit.code).toBe('usage_limit_reached');
      expect(limit.headers?.get('x-should-retry')).toBe('false');
      // Clients that schedule still learn when: Retry-After and the body's reset time.
      expect(Number(limit.headers?.get('retry-after'))).toBeGreaterThan(resetsInSeconds - 5);
      const resetsAt = (limit.error as { resets_at?: number }).resets_at ?? 0;
      expect(Math.abs(resetsAt - (Date.now() / 1000 + resetsInSeconds))).toBeLessThan(10);
      expect(limit.message).toMatch(/usage limit is reached.* It resets in (\d+ d|\d+ h|59 min)/);
    });
  }

  it('issue 17: responses.create rejects with RateLimitError at once, no retry', async () => {
    gateway.fakeCodex.enqueueScenarios(
      { kind: 'usage-limit', resetsInSeconds: HOUR },
      { kind: 'usage-limit', resetsInSeconds: HOUR },
    );
    const startedAt = performance.now();
    const error = await sdk()
      .responses.create({ model: 'chatgpt/gpt-5.5', input: 'Hi' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(performance.now() - startedAt).toBeLessThan(PROMPT_ANSWER_MS);
    expect(codexCalls()).toBe(1);
  });

  it('issue 17: the note-app API says the same: x-should-retry false, Retry-After and resetsAt in the body', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: HOUR });
    const response = await fetch(`${gateway.url}/api/ai/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Hi', model: 'chatgpt/gpt-5.5' }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(HOUR - 5);
    const body = (await response.json()) as { error: { code: string; message: string; resetsAt?: string } };
    expect(body.error.code).toBe('usage_limit_reached');
    expect(Math.abs(Date.parse(body.error.resetsAt ?? '') - (Date.now() + HOUR * 1000))).toBeLessThan(10_000);
    // The sentence holds no ISO timestamp: a wait in words and the time with its zone.
    expect(body.error.message).not.toMatch(/\d{4}-\d\d-\d\dT/);
    expect(body.error.message).toMatch(/It resets in (1 h|59 min) \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/);
  });
});
