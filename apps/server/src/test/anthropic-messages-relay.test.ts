import Anthropic from '@anthropic-ai/sdk';
import { FAKE_ANTHROPIC_THINKING } from '@pag/testkit';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AiTestGateway,
  type AiTestUser,
  FAKE_ANTHROPIC_KEYS,
  startAiTestGateway,
} from './start-ai-test-gateway.ts';

// Issue 20 item 5: /v1/messages on an anthropic/… model with the user's Anthropic key is relayed in Anthropic's own
// protocol (docs/anthropic-protocol.md §7): the official SDK as the client, the strict Anthropic fake as upstream.
const MODEL = 'claude-sonnet-4-5-20250929';
const REPLY = 'Hello! How can I help you today?';
// A 1×1 transparent PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
let gateway: AiTestGateway;
let user: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({
    email: 'relay@home.test',
    chatgptAccount: 'alice@example.com',
    anthropicKey: FAKE_ANTHROPIC_KEYS[1],
  });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeAnthropic.reset();
  gateway.fakeCodex.reset();
});

function client(options: { defaultHeaders?: Record<string, string> } = {}) {
  return new Anthropic({ apiKey: user.apiKey, baseURL: gateway.url, maxRetries: 0, ...options });
}

/** The Messages requests the Anthropic fake received. */
function messagesRequests() {
  return gateway.fakeAnthropic.requests.filter(
    (request) => request.method === 'POST' && request.path === '/v1/messages',
  );
}
function messagesBodies(): Record<string, unknown>[] {
  return messagesRequests().map((request) => request.json as Record<string, unknown>);
}

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('issue 20: /v1/messages relayed to the Anthropic key', () => {
  it('issue 20: a non-stream message reaches the fake as the client sent it, only the model changed', async () => {
    const params = {
      model: `anthropic/${MODEL}`,
      max_tokens: 4096,
      system: 'You are terse.',
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: 'What is in these?', cache_control: { type: 'ephemeral' as const } },
            {
              type: 'image' as const,
              source: { type: 'base64' as const, media_type: 'image/png' as const, data: PNG_BASE64 },
            },
            { type: 'image' as const, source: { type: 'url' as const, url: 'https://images.example/cat.png' } },
          ],
        },
      ],
      tools: [weatherTool],
      tool_choice: { type: 'auto' as const },
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      metadata: { user_id: 'user-42' },
    };
    const message = await client().messages.create(params);
    expect(message.model).toBe(`anthropic/${MODEL}`);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: FAKE_ANTHROPIC_THINKING, signature: expect.any(String) },
      { type: 'text', text: REPLY },
    ]);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    const [sent] = messagesRequests();
    expect(sent?.json).toEqual({ ...params, model: MODEL });
    expect(sent?.headers['x-api-key']).toBe(FAKE_ANTHROPIC_KEYS[1]);
    // The SDK's own version header goes along; a client that sends none gets 2023-06-01 (the raw stream test).
    expect(sent?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent?.headers['anthropic-beta']).toBeUndefined();
    expect(gateway.fakeCodex.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
    await expect
      .poll(
        () =>
          gateway.test.db.all<Record<string, unknown>>(
            sql`select * from usage_events where route = '/v1/messages' and user_id = ${user.userId}`,
          ),
        { timeout: 5_000, interval: 50 },
      )
      .toEqual([
        expect.objectContaining({
          provider: 'anthropic',
          model: `anthropic/${MODEL}`,
          status: 200,
          input_tokens: message.usage.input_tokens,
          output_tokens: message.usage.output_tokens,
        }),
      ]);
  });

  it('issue 20: a streamed tool round trip with thinking is relayed event by event, signatures intact', async () => {
    gateway.fakeAnthropic.enqueueScenarios(
      {
        kind: 'reply',
        thinking: FAKE_ANTHROPIC_THINKING,
        toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }],
      },
      'text',
    );
    const beta = client({ defaultHeaders: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } });
    const first = {
      model: `anthropic/${MODEL}`,
      max_tokens: 2048,
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
      tools: [weatherTool],
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
    };
    const stream = beta.messages.stream(first);
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const call = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(call.model).toBe(`anthropic/${MODEL}`);
    expect(call.stop_reason).toBe('tool_use');
    expect(call.content).toEqual([
      { type: 'thinking', thinking: FAKE_ANTHROPIC_THINKING, signature: expect.any(String) },
      { type: 'tool_use', id: expect.any(String), name: 'get_weather', input: { city: 'Paris' } },
    ]);
    const toolUse = call.content[1] as Anthropic.ToolUseBlock;

    // The fake refuses a signature it never issued: the relayed one came back unchanged.
    const second = {
      ...first,
      stream: true as const,
      messages: [
        ...first.messages,
        { role: 'assistant' as const, content: call.content },
        {
          role: 'user' as const,
          content: [{ type: 'tool_result' as const, tool_use_id: toolUse.id, content: '18°C' }],
        },
      ],
    };
    const answer = await beta.messages.create(second);
    let text = '';
    for await (const event of answer) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    expect(text).toBe(REPLY);
    const requests = messagesRequests();
    expect(requests.map((request) => request.json)).toEqual([
      { ...first, stream: true, model: MODEL },
      { ...second, model: MODEL },
    ]);
    for (const request of requests) expect(request.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
  });

  it('issue 20: the raw stream keeps the upstream ping and ends with message_stop', async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': user.apiKey, 'anthropic-version': '2024-01-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: `anthropic/${MODEL}`,
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    const events = [...(await response.text()).matchAll(/^event: (.*)$/gm)].map((match) => match[1]);
    expect(events).toEqual(expect.arrayContaining(['message_start', 'ping', 'content_block_delta', 'message_delta']));
    expect(events.at(-1)).toBe('message_stop');
    expect(messagesRequests()[0]?.headers['anthropic-version']).toBe('2024-01-01');

    // Without the client's version header the relay sends the one the reference documents.
    const unversioned = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: `anthropic/${MODEL}`,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(unversioned.status).toBe(200);
    expect(await unversioned.json()).toMatchObject({
      model: `anthropic/${MODEL}`,
      content: [{ type: 'text', text: REPLY }],
    });
    expect(messagesRequests()[1]?.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('issue 20: an error event or a cut stream after the first byte ends the relayed stream with an error event', async () => {
    gateway.fakeAnthropic.enqueueScenarios('error-mid-stream', 'disconnect-mid-stream');
    for (const expected of ['overloaded_error', 'api_error']) {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': user.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: `anthropic/${MODEL}`,
          max_tokens: 100,
          stream: true,
          messages: [{ role: 'user', content: 'Hi' }],
        }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      const events = [...text.matchAll(/^event: (.*)$/gm)].map((match) => match[1]);
      expect(events).toContain('content_block_delta');
      expect(events).not.toContain('message_stop');
      expect(events.at(-1)).toBe('error');
      const last = text.trim().split('\n').at(-1) ?? '';
      expect(JSON.parse(last.slice('data:'.length))).toMatchObject({ type: 'error', error: { type: expected } });
    }
  });

  it('issue 20: a 429 from Anthropic is the SDK’s RateLimitError with retry-after, stream or not', async () => {
    gateway.fakeAnthropic.setDefaultScenario('rate-limit');
    try {
      const request = {
        model: `anthropic/${MODEL}`,
        max_tokens: 100,
        messages: [{ role: 'user' as const, content: 'Hi' }],
      };
      const json = await client()
        .messages.create(request)
        .catch((error: unknown) => error);
      expect(json).toBeInstanceOf(Anthropic.RateLimitError);
      expect((json as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('1');
      const streamed = await client()
        .messages.create({ ...request, stream: true })
        .catch((error: unknown) => error);
      expect(streamed).toBeInstanceOf(Anthropic.RateLimitError);
      // Relayed once each (the relay does not retry: the client's SDK does, after retry-after), as sent.
      expect(messagesBodies()).toEqual([
        { ...request, model: MODEL },
        { ...request, model: MODEL, stream: true },
      ]);
    } finally {
      gateway.fakeAnthropic.setDefaultScenario('text');
    }
  });

  it('issue 20: a refused key says to check the saved key; a 400 carries the upstream’s words; 529 is unavailable', async () => {
    const request = {
      model: `anthropic/${MODEL}`,
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    gateway.fakeAnthropic.enqueueScenarios(
      {
        kind: 'http-error',
        status: 401,
        body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
      },
      {
        kind: 'http-error',
        status: 400,
        body: { type: 'error', error: { type: 'invalid_request_error', message: 'messages.0: bad turn' } },
      },
      'overloaded',
    );
    const refused = await client()
      .messages.create(request)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.APIError);
    expect((refused as InstanceType<typeof Anthropic.APIError>).message).toMatch(
      /saved Anthropic API key.*invalid x-api-key.*check the key/,
    );
    expect((refused as InstanceType<typeof Anthropic.APIError>).message).not.toContain(FAKE_ANTHROPIC_KEYS[1]);
    const invalid = await client()
      .messages.create(request)
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect((invalid as InstanceType<typeof Anthropic.APIError>).message).toContain('messages.0: bad turn');
    const overloaded = await client()
      .messages.create(request)
      .catch((error: unknown) => error);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBeGreaterThanOrEqual(500);
  });

  it('issue 20: a non-anthropic model and a route with a fallback are not relayed', async () => {
    const request = {
      max_tokens: 100,
      metadata: { user_id: 'user-42' },
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    const subscription = await client().messages.create({ ...request, model: 'chatgpt/gpt-5.5' });
    expect(subscription.model).toBe('chatgpt/gpt-5.5');
    expect(messagesRequests()).toHaveLength(0);
    expect(gateway.fakeCodex.requests.filter((request) => request.method === 'POST').length).toBeGreaterThan(0);

    // With fallback on, the subscription's limit hands the request to the Anthropic key — translated, not relayed.
    expect((await gateway.sessionRequest(user, 'PATCH', '/api/settings', { fallbackToApiKeys: true })).status).toBe(
      200,
    );
    try {
      gateway.fakeCodex.enqueueScenarios('rate-limit');
      const fallback = await client().messages.create({ ...request, model: 'chatgpt/gpt-5.5' });
      expect(fallback.model).toMatch(/^anthropic\//);
      const [body] = messagesBodies();
      expect(body).toBeDefined();
      // The translation builds its own body: the client's metadata is not in it.
      expect(body?.metadata).toBeUndefined();
    } finally {
      await gateway.sessionRequest(user, 'PATCH', '/api/settings', { fallbackToApiKeys: false });
    }
  });
});
