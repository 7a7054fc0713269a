import { DEFAULT_FAKE_ANTHROPIC_API_KEY, FAKE_ANTHROPIC_THINKING } from '@pag/testkit';
import { sql } from 'drizzle-orm';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import {
  type AiTestGateway,
  type AiTestUser,
  FAKE_ANTHROPIC_KEYS,
  startAiTestGateway,
} from './start-ai-test-gateway.ts';

// Issue 20 item 5: a saved Anthropic key (checked on save, encrypted, masked) makes anthropic/… models available on
// the note API, /v1/chat/completions and /v1/responses (translated), against the strict Anthropic fake.
const MODEL = 'claude-sonnet-4-5-20250929';
const REPLY = 'Hello! How can I help you today?';
let gateway: AiTestGateway;
let user: AiTestUser;
let openai: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'claude@home.test', chatgptAccount: 'alice@example.com' });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeAnthropic.reset();
  gateway.fakeCodex.reset();
});

function bearer(apiKey = user.apiKey) {
  return { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
}

function postJson(path: string, body: unknown, apiKey?: string) {
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: bearer(apiKey),
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

/** The note API's SSE as `{ event, data }` pairs. */
function readNoteEvents(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.includes('data:'))
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      return { event, data: JSON.parse(data) };
    });
}

/** The Messages request bodies the Anthropic fake received. */
function messagesBodies(): Record<string, unknown>[] {
  return gateway.fakeAnthropic.requests
    .filter((request) => request.method === 'POST' && request.path === '/v1/messages')
    .map((request) => request.json as Record<string, unknown>);
}

describe('issue 20: the Anthropic API key', () => {
  it('issue 20: a wrong key is refused on save after a GET /v1/models, and nothing is stored', async () => {
    const response = await gateway.sessionRequest(user, 'PUT', '/api/credentials/anthropic', {
      apiKey: 'sk-ant-wrong-9999',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_upstream_key');
    expect(body.error.message).toMatch(/Anthropic API key.*401.*invalid x-api-key/);
    expect(body.error.message).not.toContain('sk-ant-wrong');
    const check = gateway.fakeAnthropic.requests.at(-1);
    expect(check).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(check?.headers['x-api-key']).toBe('sk-ant-wrong-9999');
    expect(check?.headers['anthropic-version']).toBe('2023-06-01');
    const list = (await (await gateway.sessionRequest(user, 'GET', '/api/credentials')).json()) as {
      credentials: { provider: string }[];
    };
    expect(list.credentials.some((credential) => credential.provider === 'anthropic')).toBe(false);
  });

  it('issue 20: a good key is saved encrypted and shown masked', async () => {
    const response = await gateway.sessionRequest(user, 'PUT', '/api/credentials/anthropic', {
      apiKey: FAKE_ANTHROPIC_KEYS[1],
    });
    expect(response.status).toBe(200);
    const saved = await response.json();
    expect(saved).toMatchObject({ provider: 'anthropic', baseUrl: null, keyHint: '0001' });
    expect(JSON.stringify(saved)).not.toContain(FAKE_ANTHROPIC_KEYS[1]);
    const rows = await gateway.test.db.all<{ key_ciphertext: string; key_hint: string }>(
      sql`select key_ciphertext, key_hint from api_credentials where provider = 'anthropic'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_ciphertext).not.toContain(FAKE_ANTHROPIC_KEYS[1]);
    expect(rows[0]?.key_hint).toBe('0001');
  });

  it('issue 20: anthropic/… models are listed on /v1/models and /api/ai/models', async () => {
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toContain(`anthropic/${MODEL}`);
    const models = await (await fetch(`${gateway.url}/api/ai/models`, { headers: bearer() })).json();
    expect(JSON.stringify(models)).toContain(`anthropic/${MODEL}`);
  });

  it('issue 20: the note API answers from the fake, JSON and stream, with the saved key', async () => {
    const json = await postJson('/api/ai/chat', { model: `anthropic/${MODEL}`, content: 'Hi' });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ content: REPLY, provider: 'anthropic', model: `anthropic/${MODEL}` });
    const stream = await postJson('/api/ai/stream', { model: `anthropic/${MODEL}`, content: 'Hi' });
    expect(stream.headers.get('x-gateway-provider')).toBe('anthropic');
    const events = readNoteEvents(await stream.text());
    expect(
      events
        .filter((event) => event.event === 'delta')
        .map((event) => event.data.text)
        .join(''),
    ).toBe(REPLY);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { provider: 'anthropic' } });
    const [first, second] = messagesBodies();
    expect(first).toMatchObject({ model: MODEL, stream: true, messages: [{ role: 'user' }] });
    expect(typeof first?.max_tokens).toBe('number');
    expect(second).toMatchObject({ model: MODEL, stream: true });
    const calls = gateway.fakeAnthropic.requests.filter((request) => request.path === '/v1/messages');
    for (const call of calls) expect(call.headers['x-api-key']).toBe(FAKE_ANTHROPIC_KEYS[1]);
  });

  it('issue 20: a reasoning effort becomes a thinking budget, and the thinking comes back as reasoning', async () => {
    const response = await postJson('/api/ai/chat', {
      model: `anthropic/${MODEL}`,
      content: 'Hi',
      reasoning: { effort: 'low' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ content: REPLY, reasoning: FAKE_ANTHROPIC_THINKING });
    const body = messagesBodies()[0];
    expect(body?.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(body?.max_tokens as number).toBeGreaterThan(2048);
  });

  it('issue 20: /v1/chat/completions on an anthropic/… model, stream and not, tools included', async () => {
    const completion = await openai.chat.completions.create({
      model: `anthropic/${MODEL}`,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 200,
    });
    expect(completion.choices[0]?.message.content).toBe(REPLY);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(messagesBodies()[0]).toMatchObject({
      model: MODEL,
      max_tokens: 200,
      system: [{ type: 'text', text: 'Be brief.' }],
    });

    gateway.fakeAnthropic.enqueueScenarios('tool-use');
    const stream = await openai.chat.completions.create({
      model: `anthropic/${MODEL}`,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
      stream: true,
    });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        name += call.function?.name ?? '';
        args += call.function?.arguments ?? '';
      }
      finish = choice?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    expect(finish).toBe('tool_calls');
    expect(messagesBodies()[1]).toMatchObject({ tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] });
  });

  it('issue 20: images reach the Messages API as base64 and URL sources', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const completion = await openai.chat.completions.create({
      model: `anthropic/${MODEL}`,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
            { type: 'image_url', image_url: { url: 'https://images.example/cat.png' } },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe(REPLY);
    const content = (messagesBodies()[0]?.messages as { content: Record<string, unknown>[] }[] | undefined)?.[0]
      ?.content;
    expect(content).toEqual([
      expect.objectContaining({ type: 'text', text: 'What is in these?' }),
      expect.objectContaining({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }),
      expect.objectContaining({ type: 'image', source: { type: 'url', url: 'https://images.example/cat.png' } }),
    ]);
  });

  it('issue 20: /v1/responses on an anthropic/… model is translated, stream and not', async () => {
    const response = await openai.responses.create({ model: `anthropic/${MODEL}`, input: 'Hi' });
    expect(response.output_text).toBe(REPLY);
    expect(response.status).toBe('completed');
    const stream = await openai.responses.create({ model: `anthropic/${MODEL}`, input: 'Hi', stream: true });
    let text = '';
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe(REPLY);
    expect(types.at(-1)).toBe('response.completed');
    expect(messagesBodies().map((body) => body.model)).toEqual([MODEL, MODEL]);
    expect(gateway.fakeCodex.requests).toHaveLength(0);
  });

  it('issue 20: upstream 429 (with retry-after) and 529 reach the client as rate_limited and upstream_unavailable', async () => {
    // As the default scenario, so every attempt the gateway makes meets the same answer.
    gateway.fakeAnthropic.setDefaultScenario('rate-limit');
    const limited = await postJson('/api/ai/chat', { model: `anthropic/${MODEL}`, content: 'Hi' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    gateway.fakeAnthropic.setDefaultScenario('overloaded');
    const overloaded = await postJson('/api/ai/chat', { model: `anthropic/${MODEL}`, content: 'Hi' });
    expect(overloaded.status).toBe(502);
    const failure = (await overloaded.json()) as { error: { code: string; message: string } };
    expect(failure.error).toMatchObject({
      code: 'upstream_unavailable',
      message: expect.stringMatching(/529.*Overloaded/),
    });
    expect(failure.error.message).not.toContain(DEFAULT_FAKE_ANTHROPIC_API_KEY);
    gateway.fakeAnthropic.setDefaultScenario('text');
  });

  it('issue 20: a subscription-only key never reaches the Anthropic key, fallback on or not', async () => {
    expect((await gateway.sessionRequest(user, 'PATCH', '/api/settings', { fallbackToApiKeys: true })).status).toBe(
      200,
    );
    const { secret } = await createApiKey(gateway.test.connections, {
      userId: user.userId,
      name: 'free only',
      policy: { allowedModels: null, subscriptionOnly: true, allowedOrigins: [] },
    });
    const explicit = await postJson('/api/ai/chat', { model: `anthropic/${MODEL}`, content: 'Hi' }, secret);
    expect(explicit.status).toBe(403);
    expect(((await explicit.json()) as { error: { code: string } }).error.code).toBe('subscription_only');
    gateway.fakeCodex.enqueueScenarios('rate-limit');
    const limited = await postJson('/api/ai/chat', { model: 'chatgpt/gpt-5.5', content: 'Hi' }, secret);
    expect(limited.status).toBe(429);
    expect(messagesBodies()).toHaveLength(0);

    // The same subscription limit with an unrestricted key falls back to the paid key.
    gateway.fakeCodex.enqueueScenarios('rate-limit');
    const fallback = await postJson('/api/ai/chat', { model: 'chatgpt/gpt-5.5', content: 'Hi' });
    expect(fallback.status).toBe(200);
    expect(await fallback.json()).toMatchObject({ provider: 'anthropic' });
    expect((await gateway.sessionRequest(user, 'PATCH', '/api/settings', { fallbackToApiKeys: false })).status).toBe(
      200,
    );
  });
});
