import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 14: what a real ChatGPT account meets on day one, against fakes as strict as the real upstream — the
// catalogue gated by client version (gpt-6-* from 0.155.0, gpt-5.6-* from 0.144.0, the fake's defaults), answers
// that are retried before the first byte, and the one identity we name ourselves with.
let gateway: AiTestGateway;
let user: AiTestUser;
let openai: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'alice@gateway.test', chatgptAccount: 'alice@example.com' });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
});

async function listModelIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const model of openai.models.list()) ids.push(model.id);
  return ids;
}

function chat(model: string | undefined, text = 'hello') {
  return user.client.chat({ ...(model == null ? {} : { model }), messages: [{ role: 'user', content: text }] });
}

describe('issue 14: the newest models are visible', () => {
  it('lists the models the catalogue gates at 0.155.0 and 0.144.0, and answers with them', async () => {
    const ids = await listModelIds();
    expect(ids).toEqual(expect.arrayContaining(['chatgpt/gpt-6-sol', 'chatgpt/gpt-5.6-sol', 'chatgpt/gpt-5.5']));

    const models = gateway.fakeCodex.findRequests({ method: 'GET', path: '/backend-api/codex/models' });
    expect(models.at(-1)?.query).toMatchObject({ client_version: '0.169.0' });

    for (const model of ['gpt-6-sol', 'gpt-5.6-sol']) {
      const answer = await chat(model);
      expect(answer).toMatchObject({ provider: 'chatgpt', model: `chatgpt/${model}` });
    }
    // A bare name of a new model is known, so it routes to the subscription too.
    const bare = await chat('gpt-6-sol');
    expect(bare.provider).toBe('chatgpt');
  });

  it('names the gateway with one user agent and originator on every backend call', async () => {
    await chat('gpt-5.5');
    const calls = gateway.fakeCodex.requests.filter((request) => request.path.startsWith('/backend-api/'));
    expect(calls.length).toBeGreaterThan(0);
    const identities = new Set(calls.map((call) => `${call.headers.originator} | ${call.headers['user-agent']}`));
    expect([...identities]).toEqual([expect.stringMatching(/^personal_ai_gateway \| personal_ai_gateway\/\S+ \(/)]);
  });
});

describe('issue 14: an empty catalogue is a failure, not a list of no models', () => {
  it('uses the built-in list (the newest client bundle) and asks again soon instead of caching it', async () => {
    const fresh = await gateway.addUser({ email: 'bob@gateway.test', chatgptAccount: 'bob@example.com' });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: fresh.apiKey, maxRetries: 0 });
    gateway.fakeCodex.serveEmptyCatalogue(true);
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['chatgpt/gpt-6-sol', 'chatgpt/gpt-5.6-sol', 'chatgpt/gpt-5.5']));

    // A request without a model still goes to the subscription, with the first model of the built-in list (this
    // fake's catalogue lacks it, so the backend has the last word — as the real one would for a plan without it).
    const before = gateway.fakeCodex.requests.length;
    await fresh.client.chat({ messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    const sent = gateway.fakeCodex.requests
      .slice(before)
      .filter((request) => request.path === '/backend-api/codex/responses');
    expect(sent.map((request) => (request.json as { model?: string }).model)).toEqual(['gpt-6-astra']);

    gateway.fakeCodex.serveEmptyCatalogue(false);
    gateway.test.advanceTime(31_000);
    const asked = gateway.fakeCodex.findRequests({ method: 'GET', path: '/backend-api/codex/models' }).length;
    for await (const _model of client.models.list()) {
      // reading the list is the point
    }
    expect(gateway.fakeCodex.findRequests({ method: 'GET', path: '/backend-api/codex/models' }).length).toBe(asked + 1);
  });
});

describe('issue 14: retries before the first byte', () => {
  it.each(['server-error', 'overloaded'] as const)('answers 200 after one %s before the stream', async (scenario) => {
    gateway.fakeCodex.enqueueScenarios(scenario, 'text');
    const answer = await chat('gpt-5.5');
    expect(answer.content.length).toBeGreaterThan(0);
    expect(gateway.fakeCodex.exchanges.map((exchange) => exchange.status)).toEqual([
      scenario === 'overloaded' ? 503 : 500,
      200,
    ]);
    const retryLines = gateway.test.logs.filter((line) => line.includes('retrying the upstream before the first byte'));
    expect(retryLines.length).toBeGreaterThan(0);
    expect(JSON.parse(retryLines.at(-1) ?? '{}')).toMatchObject({
      reqId: expect.any(String),
      upstreamRetry: { provider: 'chatgpt', attempt: 1, reason: expect.stringMatching(/^HTTP 50/) },
    });
  });

  it('answers /v1/chat/completions and /v1/responses after a 503, streamed', async () => {
    gateway.fakeCodex.enqueueScenarios('overloaded', 'text');
    const completion = await openai.chat.completions.create({
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of completion) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);

    gateway.fakeCodex.enqueueScenarios('server-error', 'text');
    const response = await openai.responses.create({ model: 'chatgpt/gpt-5.5', input: 'hi' });
    expect(response.output_text.length).toBeGreaterThan(0);
  });

  it('never retries a usage limit', async () => {
    gateway.fakeCodex.enqueueScenarios('usage-limit', 'text');
    const error = await chat('gpt-5.5').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, code: 'usage_limit_reached' });
    expect(gateway.fakeCodex.exchanges).toHaveLength(1);
  });
});
