import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { type ParsedJson, readSseBody } from '../read-sse-body.ts';
import { fetchWithTimeout, postJson } from '../test-fetch.ts';
import { DEFAULT_FAKE_ANTHROPIC_API_KEY, startFakeAnthropicApi } from './anthropic-api-fake.ts';
import { FAKE_ANTHROPIC_THINKING } from './fake-anthropic-scenario.ts';

afterEach(closeAllFakeServers);

const MODEL = 'claude-sonnet-4-5-20250929';
const HEADERS = { 'x-api-key': DEFAULT_FAKE_ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' };
const HELLO = { model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Hello there' }] };
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } } },
};

function post(url: string, body: unknown, headers: Record<string, string> = HEADERS) {
  return postJson({ url: `${url}/v1/messages`, body, headers });
}

describe('issue 20: the Anthropic API fake', () => {
  it.each<[string, Record<string, string>, number, string, string]>([
    ['no key', { 'anthropic-version': '2023-06-01' }, 401, 'authentication_error', 'x-api-key header is required'],
    ['a wrong key', { ...HEADERS, 'x-api-key': 'sk-ant-wrong' }, 401, 'authentication_error', 'invalid x-api-key'],
    [
      'a bearer instead of x-api-key',
      { authorization: `Bearer ${DEFAULT_FAKE_ANTHROPIC_API_KEY}` },
      401,
      'authentication_error',
      'x-api-key header is required',
    ],
    [
      'no anthropic-version',
      { 'x-api-key': DEFAULT_FAKE_ANTHROPIC_API_KEY },
      400,
      'invalid_request_error',
      'anthropic-version: header is required',
    ],
  ])('issue 20: refuses %s on every endpoint, in the error envelope', async (_case, headers, status, type, message) => {
    const fake = await startFakeAnthropicApi();
    for (const response of [
      await fetchWithTimeout(`${fake.url}/v1/models`, { headers }),
      await post(fake.url, HELLO, headers),
    ]) {
      expect(response.status).toBe(status);
      expect(response.headers.get('request-id')).toMatch(/^req_/);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type, message } });
    }
  });

  it('issue 20: lists models in pages (has_more, last_id → after_id)', async () => {
    const fake = await startFakeAnthropicApi();
    const first: ParsedJson = await (
      await fetchWithTimeout(`${fake.url}/v1/models?limit=2`, { headers: HEADERS })
    ).json();
    expect(first).toMatchObject({ has_more: true, first_id: MODEL, last_id: 'claude-haiku-4-5-20251001' });
    expect(first.data[0]).toEqual({
      type: 'model',
      id: MODEL,
      display_name: 'Claude Sonnet 4.5',
      created_at: '2025-09-29T00:00:00Z',
    });
    const next: ParsedJson = await (
      await fetchWithTimeout(`${fake.url}/v1/models?limit=2&after_id=${first.last_id}`, { headers: HEADERS })
    ).json();
    expect(next.data.map((model: { id: string }) => model.id)).toEqual([
      'claude-opus-4-1-20250805',
      'claude-3-haiku-20240307',
    ]);
    expect(next.has_more).toBe(false);
  });

  it('issue 20: answers a message as JSON', async () => {
    const fake = await startFakeAnthropicApi();
    const response = await post(fake.url, HELLO);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 'msg_fake_0001',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'Hello! How can I help you today?' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
  });

  it('issue 20: streams the events in the real order, thinking signed and tool input as JSON deltas', async () => {
    const fake = await startFakeAnthropicApi({ scenarios: ['tool-use'] });
    const response = await post(fake.url, {
      ...HELLO,
      max_tokens: 4096,
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [WEATHER_TOOL],
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events, data } = await readSseBody(response);
    const names = events.map((event) => event.event);
    expect(names[0]).toBe('message_start');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(names).toContain('ping');
    const deltas = data.filter((item) => item.type === 'content_block_delta').map((item) => item.delta);
    expect(
      deltas
        .filter((delta) => delta.type === 'thinking_delta')
        .map((delta) => delta.thinking)
        .join(''),
    ).toBe(FAKE_ANTHROPIC_THINKING);
    expect(deltas.some((delta) => delta.type === 'signature_delta' && delta.signature.length > 20)).toBe(true);
    const json = deltas
      .filter((delta) => delta.type === 'input_json_delta')
      .map((delta) => delta.partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'Paris' });
    expect(data.find((item) => item.type === 'content_block_start' && item.index === 1)?.content_block).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: {},
    });
    expect(data.at(-2)).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { output_tokens: expect.any(Number) },
    });
  });

  it('issue 20: takes a signed thinking block and the tool result back, refuses a forged signature', async () => {
    const fake = await startFakeAnthropicApi({ scenarios: ['tool-use'] });
    const thinking = { type: 'enabled', budget_tokens: 2048 };
    const first: ParsedJson = await (
      await post(fake.url, { ...HELLO, max_tokens: 4096, thinking, tools: [WEATHER_TOOL] })
    ).json();
    const [thought, use] = first.content;
    const followUp = (assistant: unknown[]) => ({
      ...HELLO,
      max_tokens: 4096,
      thinking,
      tools: [WEATHER_TOOL],
      messages: [
        HELLO.messages[0],
        { role: 'assistant', content: assistant },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18°C', is_error: false }] },
      ],
    });
    expect((await post(fake.url, followUp([thought, use]))).status).toBe(200);
    const forged = await post(fake.url, followUp([{ ...thought, signature: 'Zm9yZ2Vk' }, use]));
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as ParsedJson).error.message).toBe(
      'messages.1.content.0: Invalid `signature` in `thinking` block',
    );
    const unsigned = await post(fake.url, followUp([use]));
    expect(((await unsigned.json()) as ParsedJson).error.message).toMatch(
      /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`/,
    );
  });

  it('issue 20: stops at max_tokens and at a stop sequence, as the real API says', async () => {
    const fake = await startFakeAnthropicApi();
    const cut = await (await post(fake.url, { ...HELLO, max_tokens: 2 })).json();
    expect(cut).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: 'Hello! H' }] });
    const stopped = await (await post(fake.url, { ...HELLO, stop_sequences: ['help'] })).json();
    expect(stopped).toMatchObject({
      stop_reason: 'stop_sequence',
      stop_sequence: 'help',
      content: [{ type: 'text', text: 'Hello! How can I ' }],
    });
  });

  it.each<[string, Record<string, unknown>, number, string, string]>([
    [
      'no max_tokens',
      { model: MODEL, messages: HELLO.messages },
      400,
      'invalid_request_error',
      'max_tokens: Field required',
    ],
    ['no model', { max_tokens: 10, messages: HELLO.messages }, 400, 'invalid_request_error', 'model: Field required'],
    ['an unknown model', { ...HELLO, model: 'claude-nope' }, 404, 'not_found_error', 'model: claude-nope'],
    [
      'no messages',
      { ...HELLO, messages: [] },
      400,
      'invalid_request_error',
      'messages: at least one message is required',
    ],
    [
      'an unknown field',
      { ...HELLO, frequency_penalty: 1 },
      400,
      'invalid_request_error',
      'frequency_penalty: Extra inputs are not permitted',
    ],
    [
      'a system role in messages',
      { ...HELLO, messages: [{ role: 'system', content: 'x' }] },
      400,
      'invalid_request_error',
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      'empty text',
      { ...HELLO, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      400,
      'invalid_request_error',
      'messages.0: text content blocks must be non-empty',
    ],
    [
      'max_tokens over the model',
      { ...HELLO, max_tokens: 64001 },
      400,
      'invalid_request_error',
      'max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929',
    ],
    [
      'temperature above 1',
      { ...HELLO, temperature: 1.5 },
      400,
      'invalid_request_error',
      'temperature: Input should be less than or equal to 1',
    ],
    [
      'a thinking budget under 1024',
      { ...HELLO, thinking: { type: 'enabled', budget_tokens: 512 } },
      400,
      'invalid_request_error',
      'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    ],
    [
      'a thinking budget not under max_tokens',
      { ...HELLO, thinking: { type: 'enabled', budget_tokens: 1024 } },
      400,
      'invalid_request_error',
      '`max_tokens` must be greater than `thinking.budget_tokens`.',
    ],
    [
      'temperature with thinking',
      { ...HELLO, max_tokens: 4096, temperature: 0.2, thinking: { type: 'enabled', budget_tokens: 1024 } },
      400,
      'invalid_request_error',
      '`temperature` may only be set to 1 when thinking is enabled.',
    ],
    [
      'a tool without input_schema',
      { ...HELLO, tools: [{ name: 'x' }] },
      400,
      'invalid_request_error',
      'tools.0.custom.input_schema: Field required',
    ],
    [
      'a bad tool name',
      { ...HELLO, tools: [{ ...WEATHER_TOOL, name: 'get weather' }] },
      400,
      'invalid_request_error',
      "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    ],
    [
      'tool_choice naming no tool',
      { ...HELLO, tools: [WEATHER_TOOL], tool_choice: { type: 'tool', name: 'nope' } },
      400,
      'invalid_request_error',
      "tool_choice: Tool 'nope' not found in tools",
    ],
    [
      'a tool_result without its tool_use',
      {
        ...HELLO,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'x' }] }],
      },
      400,
      'invalid_request_error',
      'messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    ],
    [
      'a tool_use left unanswered',
      {
        ...HELLO,
        messages: [
          HELLO.messages[0],
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
          { role: 'user', content: 'and?' },
        ],
      },
      400,
      'invalid_request_error',
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    ],
    [
      'an image that is not base64',
      {
        ...HELLO,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'not base64!' } }],
          },
        ],
      },
      400,
      'invalid_request_error',
      'messages.0.content.0.image.source.base64.data: The image data is not valid base64',
    ],
  ])('issue 20: refuses %s as the real API does', async (_case, body, status, type, message) => {
    const fake = await startFakeAnthropicApi();
    const response = await post(fake.url, body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type, message } });
    expect(fake.pendingScenarios).toEqual([]);
  });

  it('issue 20: counts tokens of a valid prompt and refuses what Messages refuses, and an output budget', async () => {
    const fake = await startFakeAnthropicApi();
    const count = (body: unknown) => postJson({ url: `${fake.url}/v1/messages/count_tokens`, body, headers: HEADERS });
    const counted = await count({ model: MODEL, messages: HELLO.messages });
    expect(counted.status).toBe(200);
    expect(await counted.json()).toEqual({ input_tokens: 3 });
    const withBudget = await count(HELLO);
    expect(withBudget.status).toBe(400);
    expect(await withBudget.json()).toMatchObject({ error: { message: 'max_tokens: Extra inputs are not permitted' } });
    const noMessages = await count({ model: MODEL, messages: [] });
    expect(await noMessages.json()).toMatchObject({ error: { message: 'messages: at least one message is required' } });
    expect(fake.requests.filter((request) => request.path === '/v1/messages')).toEqual([]);
  });

  it('issue 20: merges consecutive turns of one role, as the real API does', async () => {
    const fake = await startFakeAnthropicApi();
    const body = { ...HELLO, messages: [HELLO.messages[0], { role: 'user', content: 'Still there?' }] };
    expect((await post(fake.url, body)).status).toBe(200);
  });

  it('issue 20: rate limit 429 with retry-after, overloaded 529, and an error event mid-stream', async () => {
    const fake = await startFakeAnthropicApi({ scenarios: ['rate-limit', 'overloaded', 'error-mid-stream'] });
    const limited = await post(fake.url, HELLO);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const overloaded = await post(fake.url, HELLO);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    const { events, data } = await readSseBody(await post(fake.url, { ...HELLO, stream: true }));
    expect(events.at(-1)?.event).toBe('error');
    expect(data.at(-1)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(events.map((event) => event.event)).not.toContain('message_stop');
  });
});
