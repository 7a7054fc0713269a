import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// Malformed /v1/messages requests: each is a 4xx in Anthropic's envelope whose message names what to fix, and none
// reaches the upstream (the fake Codex backend records every request it gets).
let gateway: AiTestGateway;
let user: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'malformed@home.test', chatgptAccount: 'bob@example.com' });
});
afterAll(async () => {
  await gateway?.close();
});

const MODEL = 'chatgpt/gpt-5.5';
const HI = [{ role: 'user', content: 'Hi' }];
const TOOL = { name: 'get_weather', input_schema: { type: 'object', properties: {} } };
const valid = { model: MODEL, max_tokens: 64, messages: HI };

/** [what is wrong, the body, a word the message must contain] */
const MALFORMED: [string, unknown, string][] = [
  ['an array body', [valid], 'body'],
  ['a string body', 'hello', 'body'],
  ['no model', { max_tokens: 64, messages: HI }, 'model'],
  ['an empty model', { ...valid, model: '' }, 'model'],
  ['a numeric model', { ...valid, model: 5 }, 'model'],
  ['no max_tokens', { model: MODEL, messages: HI }, 'max_tokens'],
  ['max_tokens 0', { ...valid, max_tokens: 0 }, 'max_tokens'],
  ['negative max_tokens', { ...valid, max_tokens: -5 }, 'max_tokens'],
  ['fractional max_tokens', { ...valid, max_tokens: 1.5 }, 'max_tokens'],
  ['max_tokens as a string', { ...valid, max_tokens: '64' }, 'max_tokens'],
  ['no messages', { model: MODEL, max_tokens: 64 }, 'messages'],
  ['empty messages', { ...valid, messages: [] }, 'messages'],
  ['messages as an object', { ...valid, messages: { role: 'user', content: 'Hi' } }, 'messages'],
  ['a role Anthropic does not know', { ...valid, messages: [{ role: 'tool', content: 'x' }] }, 'role'],
  ['an unknown role', { ...valid, messages: [{ role: 'tool', content: 'x' }] }, 'role'],
  ['a message without content', { ...valid, messages: [{ role: 'user' }] }, 'content'],
  ['content as a number', { ...valid, messages: [{ role: 'user', content: 42 }] }, 'content'],
  ['an empty content array', { ...valid, messages: [{ role: 'user', content: [] }] }, 'content'],
  [
    'an unknown block type',
    { ...valid, messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] },
    'block',
  ],
  [
    'a document block',
    { ...valid, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] },
    'block',
  ],
  ['a text block without text', { ...valid, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'text'],
  ['an image without source', { ...valid, messages: [{ role: 'user', content: [{ type: 'image' }] }] }, 'source'],
  [
    'an image of an unsupported media type',
    {
      ...valid,
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AAAA' } }],
        },
      ],
    },
    'media_type',
  ],
  [
    'an image with non-base64 data',
    {
      ...valid,
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '%%%' } }],
        },
      ],
    },
    'base64',
  ],
  [
    'an image URL that is not http',
    {
      ...valid,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'file:///etc/passwd' } }] }],
    },
    'url',
  ],
  [
    'a file image source',
    { ...valid, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] },
    'source',
  ],
  [
    'a tool_use block from the user',
    { ...valid, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'n', input: {} }] }] },
    'block',
  ],
  [
    'a tool_result block from the assistant',
    { ...valid, messages: [...HI, { role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] },
    'block',
  ],
  [
    'a tool_use without id',
    { ...valid, messages: [...HI, { role: 'assistant', content: [{ type: 'tool_use', name: 'n', input: {} }] }] },
    'id',
  ],
  [
    'a tool_use whose input is not an object',
    {
      ...valid,
      messages: [...HI, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: '{}' }] }],
    },
    'input',
  ],
  [
    'a tool_result answering no tool_use',
    {
      ...valid,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }],
    },
    'tool_use_id',
  ],
  [
    'a tool_result answering a tool_use two turns back',
    {
      ...valid,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'r' }] },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'again' }] },
      ],
    },
    'tool_use_id',
  ],
  [
    'tool_result content as a number',
    {
      ...valid,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'n', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 7 }] },
      ],
    },
    'content',
  ],
  [
    'a thinking block without signature',
    { ...valid, messages: [...HI, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm' }] }] },
    'signature',
  ],
  ['system as a number', { ...valid, system: 3 }, 'system'],
  ['system blocks that are images', { ...valid, system: [{ type: 'image', source: {} }] }, 'system'],
  ['tools as an object', { ...valid, tools: TOOL }, 'tools'],
  ['a tool without input_schema', { ...valid, tools: [{ name: 'x' }] }, 'input_schema'],
  [
    'a tool schema that is not an object schema',
    { ...valid, tools: [{ name: 'x', input_schema: { type: 'string' } }] },
    'input_schema',
  ],
  ['a tool name with spaces', { ...valid, tools: [{ ...TOOL, name: 'get weather' }] }, 'name'],
  ['a server tool', { ...valid, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools'],
  ['an unknown tool_choice', { ...valid, tools: [TOOL], tool_choice: { type: 'required' } }, 'tool_choice'],
  ['tool_choice as a string', { ...valid, tools: [TOOL], tool_choice: 'auto' }, 'tool_choice'],
  ['tool_choice any without tools', { ...valid, tool_choice: { type: 'any' } }, 'tool_choice'],
  [
    'tool_choice naming a missing tool',
    { ...valid, tools: [TOOL], tool_choice: { type: 'tool', name: 'nope' } },
    'tool_choice',
  ],
  ['tool_choice tool without a name', { ...valid, tools: [TOOL], tool_choice: { type: 'tool' } }, 'tool_choice'],
  ['thinking without budget', { ...valid, max_tokens: 4096, thinking: { type: 'enabled' } }, 'thinking'],
  [
    'a thinking budget under 1024',
    { ...valid, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 100 } },
    'budget_tokens',
  ],
  [
    'a thinking budget over max_tokens',
    { ...valid, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 4000 } },
    'budget_tokens',
  ],
  ['an unknown thinking type', { ...valid, thinking: { type: 'always' } }, 'thinking'],
  ['stop_sequences as a string', { ...valid, stop_sequences: 'END' }, 'stop_sequences'],
  ['an empty stop sequence', { ...valid, stop_sequences: [''] }, 'stop_sequences'],
  ['temperature over 1', { ...valid, temperature: 1.5 }, 'temperature'],
  ['top_p as a string', { ...valid, top_p: 'high' }, 'top_p'],
  ['stream as a string', { ...valid, stream: 'yes' }, 'stream'],
  ['metadata as a string', { ...valid, metadata: 'me' }, 'metadata'],
  ['metadata.user_id as a number', { ...valid, metadata: { user_id: 5 } }, 'user_id'],
];

async function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': user.apiKey,
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body,
  });
}

async function expectAnthropicError(response: Response, status: number, type: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { type: string; error: { type: string; message: string } };
  expect(body).toEqual({ type: 'error', error: { type, message: expect.any(String) } });
  return body.error.message;
}

describe('malformed /v1/messages requests', () => {
  it('issue 20: has more than 40 cases', () => {
    expect(MALFORMED.length).toBeGreaterThan(40);
  });

  it.each(MALFORMED)(
    'issue 20: refuses %s with a 400 in Anthropic’s envelope, upstream untouched',
    async (_what, body, word) => {
      const before = gateway.fakeCodex.exchanges.length;
      const message = await expectAnthropicError(await post(JSON.stringify(body)), 400, 'invalid_request_error');
      expect(message.toLowerCase()).toContain(word.toLowerCase());
      expect(gateway.fakeCodex.exchanges.length).toBe(before);
    },
  );

  it('issue 20: refuses a body that is not JSON', async () => {
    const before = gateway.fakeCodex.exchanges.length;
    const message = await expectAnthropicError(await post('{"model":'), 400, 'invalid_request_error');
    expect(message).toMatch(/JSON/);
    expect(gateway.fakeCodex.exchanges.length).toBe(before);
  });

  it('issue 20: refuses a body that is not sent as JSON (415)', async () => {
    const before = gateway.fakeCodex.exchanges.length;
    await expectAnthropicError(
      await post('<hello/>', { 'content-type': 'application/xml' }),
      415,
      'invalid_request_error',
    );
    expect(gateway.fakeCodex.exchanges.length).toBe(before);
  });

  it('issue 20: refuses a request without a key as authentication_error', async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    await expectAnthropicError(response, 401, 'authentication_error');
  });

  it('issue 20: accepts the key as a bearer token too, and tolerates anthropic-beta', async () => {
    gateway.fakeCodex.enqueueScenarios('text');
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${user.apiKey}`,
        'anthropic-version': '2099-01-01',
        'anthropic-beta': 'interleaved-thinking-2025-05-14,unknown-beta',
      },
      body: JSON.stringify(valid),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { type: string }).type).toBe('message');
  });

  it('issue 20: refuses a malformed count_tokens body the same way', async () => {
    const response = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': user.apiKey },
      body: JSON.stringify({ model: MODEL, messages: [] }),
    });
    await expectAnthropicError(response, 400, 'invalid_request_error');
  });
});
