import { FAKE_CODEX_REASONING_TEXT, FAKE_CODEX_REPLY_TEXT } from '@pag/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';
import { expectUpstreamWaitSubtracted, timeOverheadHeader } from '../../test/time-overhead-header.ts';

// The OpenAI-compatible API driven by the official `openai` SDK, unmodified, against the gateway on loopback in
// front of the strict fakes: the subscription (Codex) path and the API-key path.
let gateway: AiTestGateway;
let user: AiTestUser;
let openai: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({
    email: 'sdk@home.test',
    chatgptAccount: 'alice@example.com',
    openaiKey: 'sk-test-fake-openai-api-key-0000',
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  gateway.fakeOpenAi.reset();
});

function lastCodexBody(): Record<string, unknown> {
  return gateway.fakeCodex.exchanges.at(-1)?.request?.json as Record<string, unknown>;
}

describe('models', () => {
  it('should list the router catalogue with ids usable as model', async () => {
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toContain('chatgpt/gpt-5.5');
    expect(ids).toContain('openai/gpt-4.1');
    const one = await openai.models.retrieve('chatgpt/gpt-5.5');
    expect(one).toMatchObject({ id: 'chatgpt/gpt-5.5', object: 'model', owned_by: 'chatgpt' });
  });

  it('should answer an unknown model with a 404 in the OpenAI envelope', async () => {
    const error = await openai.models.retrieve('chatgpt/nope').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});

describe('chat completions through the subscription', () => {
  it('should answer without streaming', async () => {
    const completion = await openai.chat.completions.create({
      model: 'chatgpt/gpt-5.5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('chatgpt/gpt-5.5');
    expect(completion.choices[0]?.message.content).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(lastCodexBody()).toMatchObject({ store: false, stream: true });
  });

  it('should stream deltas, the finish reason, a usage chunk and [DONE]', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usageChunks = 0;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage != null) {
        usageChunks += 1;
        expect(chunk.choices).toEqual([]);
        expect(chunk.usage.completion_tokens).toBeGreaterThan(0);
      }
    }
    expect(text).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(finish).toBe('stop');
    expect(usageChunks).toBe(1);
    expect(chunks).toBeGreaterThan(3);
  });

  it('should end the raw stream with data: [DONE] and use only unnamed events', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }], stream: true }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const blocks = (await response.text()).split('\n\n').filter((block) => block !== '');
    expect(blocks.at(-1)).toBe('data: [DONE]');
    expect(blocks.every((block) => block.startsWith('data: '))).toBe(true);
    const first = JSON.parse(blocks[0]?.slice(6) ?? '{}') as { choices: { delta: unknown }[] };
    expect(first.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
  });

  it('should round-trip a tool call: streamed call deltas, then the tool result goes back upstream', async () => {
    gateway.fakeCodex.enqueueScenarios('function-call', 'text');
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris?' },
    ];
    const stream = await openai.chat.completions.create({ model: 'chatgpt/gpt-5.5', messages, tools, stream: true });
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      finish = chunk.choices[0]?.finish_reason ?? finish;
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
    }
    expect(finish).toBe('tool_calls');
    const call = calls.get(0);
    expect(call?.name).toBe('get_weather');
    expect(JSON.parse(call?.arguments ?? '')).toEqual({ city: 'Paris' });
    expect(lastCodexBody().tools).toEqual([expect.objectContaining({ type: 'function', name: 'get_weather' })]);

    const answer = await openai.chat.completions.create({
      model: 'chatgpt/gpt-5.5',
      tools,
      messages: [
        ...messages,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: call?.id ?? '',
              type: 'function',
              function: { name: 'get_weather', arguments: call?.arguments ?? '' },
            },
          ],
        },
        { role: 'tool', tool_call_id: call?.id ?? '', content: '{"temperature_c":21}' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe(FAKE_CODEX_REPLY_TEXT);
    const input = lastCodexBody().input as Record<string, unknown>[];
    expect(input).toContainEqual(expect.objectContaining({ type: 'function_call', call_id: call?.id }));
    expect(input).toContainEqual(
      expect.objectContaining({ type: 'function_call_output', call_id: call?.id, output: '{"temperature_c":21}' }),
    );
  });

  it('should drop max_tokens for the subscription and say so in a header', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 })
      .withResponse();
    expect(response.headers.get('x-gateway-warning')).toMatch(/maxOutputTokens/);
    expect(lastCodexBody()).not.toHaveProperty('max_output_tokens');
  });

  it('should report the usage limit as a 429 with Retry-After that the SDK understands', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 120 });
    const error = await openai.chat.completions
      .create({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.code).toBe('usage_limit_reached');
    expect(rateLimit.type).toBe('insufficient_quota');
    expect(Number(rateLimit.headers?.get('retry-after'))).toBeGreaterThanOrEqual(118);
  });
});

describe('chat completion options', () => {
  it('should pass reasoning effort, JSON schema output and images to the subscription', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    await openai.chat.completions.create({
      model: 'chatgpt/gpt-5.5',
      reasoning_effort: 'high',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    const body = lastCodexBody();
    expect(body.reasoning).toMatchObject({ effort: 'high' });
    // issue 18: the client's strict (absent: false, as OpenAI defaults) reaches the backend, which holds strict schemas.
    expect(body.text).toMatchObject({ format: { type: 'json_schema', name: 'answer', strict: false } });
    const user = (body.input as { role?: string; content?: Record<string, unknown>[] }[]).find(
      (item) => item.role === 'user',
    );
    expect(user?.content).toContainEqual(
      expect.objectContaining({ type: 'input_image', image_url: `data:image/png;base64,${png}` }),
    );
    expect(user?.content).toContainEqual(
      expect.objectContaining({ type: 'input_image', image_url: 'https://example.com/cat.jpg' }),
    );
  });

  it('should stream parallel tool calls under their own indexes', async () => {
    gateway.fakeCodex.enqueueScenarios('parallel-function-calls');
    const stream = await openai.chat.completions.create({
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      tools: ['get_weather', 'get_time'].map((name) => ({
        type: 'function' as const,
        function: { name, parameters: { type: 'object', properties: {} } },
      })),
      stream: true,
    });
    const calls = new Map<number, { name: string; arguments: string }>();
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { name: '', arguments: '' };
        call.name ||= delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
    }
    expect([...calls.entries()].map(([index, call]) => [index, call.name, JSON.parse(call.arguments)])).toEqual([
      [0, 'get_weather', { city: 'Paris' }],
      [1, 'get_time', { timezone: 'Europe/Paris' }],
    ]);
  });

  it.each([
    ['field', (reasoning: string, text: string) => ({ content: text, reasoning_content: reasoning })],
    ['think-tags', (reasoning: string, text: string) => ({ content: `<think>\n${reasoning}\n</think>\n\n${text}` })],
    ['hidden', (_reasoning: string, text: string) => ({ content: text })],
  ] as const)('should show reasoning as the key says: %s', async (mode, expected) => {
    const keyId = user.apiKey.split('_')[1] ?? '';
    const updated = await gateway.sessionRequest(user, 'PATCH', `/api/keys/${keyId}`, { reasoningOutput: mode });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { reasoningOutput: string }).reasoningOutput).toBe(mode);
    try {
      gateway.fakeCodex.enqueueScenarios('reasoning-text', 'reasoning-text');
      const completion = await openai.chat.completions.create({
        model: 'chatgpt/gpt-5.5',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      const message = completion.choices[0]?.message as unknown as Record<string, unknown>;
      const want = expected(FAKE_CODEX_REASONING_TEXT, FAKE_CODEX_REPLY_TEXT);
      expect({ content: message.content, reasoning_content: message.reasoning_content }).toEqual({
        reasoning_content: undefined,
        ...want,
      });
      const stream = await openai.chat.completions.create({
        model: 'chatgpt/gpt-5.5',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      let content = '';
      let reasoning = '';
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta as Record<string, string | undefined> | undefined;
        content += delta?.content ?? '';
        reasoning += delta?.reasoning_content ?? '';
      }
      expect(content).toBe(want.content);
      expect(reasoning).toBe('reasoning_content' in want ? want.reasoning_content : '');
    } finally {
      await gateway.sessionRequest(user, 'PATCH', `/api/keys/${keyId}`, { reasoningOutput: 'field' });
    }
  });

  it('should refuse an unknown reasoning display and another user’s key', async () => {
    const keyId = user.apiKey.split('_')[1] ?? '';
    const bad = await gateway.sessionRequest(user, 'PATCH', `/api/keys/${keyId}`, { reasoningOutput: 'loud' });
    expect(bad.status).toBe(400);
    const other = await gateway.addUser({ email: 'other-key@home.test' });
    const foreign = await gateway.sessionRequest(other, 'PATCH', `/api/keys/${keyId}`, { reasoningOutput: 'hidden' });
    expect(foreign.status).toBe(404);
  });
});

describe('chat completions through an API key', () => {
  it('should answer and stream from the OpenAI-compatible upstream with the user’s key', async () => {
    const completion = await openai.chat.completions.create({
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.model).toBe('openai/gpt-4.1');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(completion.choices[0]?.message.content);
    const upstream = gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST');
    expect(
      upstream.every((request) => request.headers.authorization === 'Bearer sk-test-fake-openai-api-key-0000'),
    ).toBe(true);
  });
});

describe('responses through the subscription', () => {
  it('should relay the Codex event stream unchanged in shape', async () => {
    gateway.fakeCodex.enqueueScenarios('reasoning-text');
    const stream = await openai.responses.create({
      model: 'chatgpt/gpt-5.5',
      input: 'Hi',
      reasoning: { effort: 'low', summary: 'auto' },
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(types.at(-1)).toBe('response.completed');
    const upstream = lastCodexBody();
    expect(upstream).toMatchObject({ model: 'gpt-5.5', store: false, stream: true, reasoning: { effort: 'low' } });
    expect(upstream.include).toContain('reasoning.encrypted_content');
    expect(typeof upstream.instructions).toBe('string');
    expect(upstream.input).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }]);
  });

  it('should answer without streaming, rebuilding an empty completed output, and drop what the backend refuses', async () => {
    gateway.fakeCodex.enqueueScenarios('empty-output');
    const { data, response } = await openai.responses
      .create({ model: 'gpt-5.5', instructions: 'Be brief.', input: 'Hi', max_output_tokens: 100 })
      .withResponse();
    expect(data.output_text).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(data.status).toBe('completed');
    expect(response.headers.get('x-gateway-warning')).toMatch(/max_output_tokens/);
    expect(lastCodexBody()).not.toHaveProperty('max_output_tokens');
    expect(lastCodexBody().instructions).toBe('Be brief.');
  });

  it('should keep tools and send function call outputs back as items', async () => {
    gateway.fakeCodex.enqueueScenarios('function-call', 'text');
    const tools: OpenAI.Responses.Tool[] = [
      {
        type: 'function',
        name: 'get_weather',
        strict: false,
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const first = await openai.responses.create({ model: 'chatgpt/gpt-5.5', input: 'Weather in Paris?', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
    expect(lastCodexBody().tools).toEqual(tools);
    const second = await openai.responses.create({
      model: 'chatgpt/gpt-5.5',
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: (call as { call_id: string }).call_id, output: '{"c":21}' },
      ],
    });
    expect(second.output_text).toBe(FAKE_CODEX_REPLY_TEXT);
  });

  it('should map upstream limits and refuse what cannot work through the gateway', async () => {
    gateway.fakeCodex.enqueueScenarios('usage-limit');
    const limited = await openai.responses.create({ model: 'chatgpt/gpt-5.5', input: 'Hi' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    const stored = await openai.responses
      .create({ model: 'chatgpt/gpt-5.5', input: 'Hi', previous_response_id: 'resp_123' })
      .catch((e: unknown) => e);
    expect(stored).toBeInstanceOf(OpenAI.BadRequestError);
    expect((stored as Error).message).toMatch(/keeps no responses/);
  });
});

describe('responses through an API-key provider', () => {
  it('should translate a streamed Responses call into the same event sequence', async () => {
    gateway.fakeOpenAi.enqueueScenarios('reasoning');
    const stream = await openai.responses.create({
      model: 'openai/gpt-5-mini',
      instructions: 'Be brief.',
      input: 'Hi',
      reasoning: { effort: 'low' },
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(types.at(-1)).toBe('response.completed');
    expect(text.length).toBeGreaterThan(0);
    expect(completed?.output_text ?? completed?.output.find((item) => item.type === 'message')).toBeTruthy();
    expect(completed?.usage?.output_tokens).toBeGreaterThan(0);
    const upstream = gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST').at(-1);
    expect(upstream?.path).toBe('/v1/chat/completions');
  });

  it('should answer without streaming and round-trip a function call', async () => {
    gateway.fakeOpenAi.enqueueScenarios('tool-call', 'text');
    const tools: OpenAI.Responses.Tool[] = [
      {
        type: 'function',
        name: 'get_weather',
        strict: false,
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ];
    const first = await openai.responses.create({ model: 'openai/gpt-4.1', input: 'Weather in Paris?', tools });
    expect(first.status).toBe('completed');
    const call = first.output.find(
      (item) => item.type === 'function_call',
    ) as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ name: 'get_weather' });
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    const second = await openai.responses.create({
      model: 'openai/gpt-4.1',
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        call,
        { type: 'function_call_output', call_id: call.call_id, output: '{"c":21}' },
      ],
    });
    expect(second.output_text.length).toBeGreaterThan(0);
    const body = gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST').at(-1)?.json as {
      messages: Record<string, unknown>[];
    };
    expect(body.messages).toContainEqual(expect.objectContaining({ role: 'tool', tool_call_id: call.call_id }));
  });

  it('should refuse what the provider cannot take, naming the item', async () => {
    const error = await openai.responses
      .create({ model: 'openai/gpt-4.1', input: [{ type: 'item_reference', id: 'msg_1' } as never] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input[0].type');
  });
});

describe('embeddings', () => {
  it('should embed through the OpenAI-compatible key, in the SDK’s default base64 encoding and as floats', async () => {
    const viaSdk = await openai.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: ['first', 'second'],
    });
    expect(viaSdk.data).toHaveLength(2);
    expect(viaSdk.data[0]?.embedding).toHaveLength(1536);
    expect(viaSdk.model).toBe('openai/text-embedding-3-small');
    const floats = await openai.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: 'first',
      encoding_format: 'float',
      dimensions: 256,
    });
    expect(floats.data[0]?.embedding).toHaveLength(256);
    const direct = await fetch(`${gateway.fakeOpenAi.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test-fake-openai-api-key-0000', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'first' }),
    });
    const expected = ((await direct.json()) as { data: { embedding: number[] }[] }).data[0]?.embedding ?? [];
    // base64 carries float32: equal to the upstream's numbers at float32 precision.
    viaSdk.data[0]?.embedding.slice(0, 20).forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 6);
    });
  });

  it('should embed through a Gemini key', async () => {
    const geminiUser = await gateway.addUser({
      email: 'gemini-embed@home.test',
      geminiKey: 'AIzaSyTestBob0000000000000000000000001',
    });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: geminiUser.apiKey, maxRetries: 0 });
    const result = await client.embeddings.create({
      model: 'gemini-embedding-001',
      input: 'hello',
      encoding_format: 'float',
    });
    expect(result.model).toBe('gemini/gemini-embedding-001');
    expect(result.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('issue 16: should say which connection would enable embeddings when none can make them, with a 4xx', async () => {
    const subscriptionOnly = await gateway.addUser({ email: 'no-embed@home.test', chatgptAccount: 'bob@example.com' });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: subscriptionOnly.apiKey, maxRetries: 0 });
    const error = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'hello' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(409);
    expect(apiError.code).toBe('embeddings_unavailable');
    expect(apiError.message).toMatch(/OpenAI-compatible API key .* or a Gemini API key/);
  });

  it('should refuse token-id input and empty input with a 400', async () => {
    for (const input of [[1, 2, 3], '', []]) {
      const response = await fetch(`${gateway.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/text-embedding-3-small', input }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toMatch(/^input/);
    }
  });
});

describe('observability', () => {
  it('issue 16: every answer carries x-request-id and x-gateway-overhead-ms, error answers included', async () => {
    const call =
      (path: string, init: { method?: string; apiKey?: string; body?: unknown } = {}) =>
      () =>
        fetch(`${gateway.url}/v1${path}`, {
          method: init.method ?? 'GET',
          headers: {
            authorization: `Bearer ${init.apiKey ?? user.apiKey}`,
            ...(init.body == null ? {} : { 'content-type': 'application/json' }),
          },
          ...(init.body == null ? {} : { body: JSON.stringify(init.body) }),
          signal: AbortSignal.timeout(20_000),
        });
    const chat = { model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] };
    const cases: [string, number, () => Promise<Response>][] = [
      ['the model list', 200, call('/models')],
      ['a wrong key', 401, call('/models', { apiKey: 'gwk_wrong' })],
      ['an invalid body', 400, call('/chat/completions', { method: 'POST', body: { model: 'chatgpt/gpt-5.5' } })],
      ['an unknown endpoint', 404, call('/nothing-here')],
      ['an unknown model', 404, call('/models/chatgpt/nope')],
      ['an unknown chat model', 404, call('/chat/completions', { method: 'POST', body: { ...chat, model: 'x/y' } })],
      [
        'embeddings',
        200,
        call('/embeddings', { method: 'POST', body: { model: 'openai/text-embedding-3-small', input: 'a' } }),
      ],
    ];
    for (const [what, status, send] of cases) {
      const answer = await timeOverheadHeader(send);
      expect(answer.response.status, what).toBe(status);
      expect(answer.response.headers.get('x-request-id'), what).toMatch(/^[0-9a-f-]{36}$/);
      await answer.response.text();
    }
    // A slow upstream that then fails: the answer has both headers, and the wait is not counted as the gateway's.
    // Each front door's own path: the relays (forward…) and the runner (startModelStream).
    const DELAY_MS = 1_000;
    const slowFailures: [string, Record<string, unknown>, 'codex' | 'openai', number][] = [
      ['/chat/completions', { ...chat, model: 'openai/gpt-4.1' }, 'openai', 502],
      ['/responses', { model: 'openai/gpt-4.1', input: 'Hi' }, 'openai', 502],
      ['/chat/completions', chat, 'codex', 429],
      ['/responses', { model: 'chatgpt/gpt-5.5', input: 'Hi' }, 'codex', 429],
    ];
    for (const [path, body, upstream, status] of slowFailures) {
      const what = `${path} on ${upstream}`;
      if (upstream === 'codex') {
        gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit' });
        gateway.fakeCodex.faults.push({ match: { path: /\/responses$/ }, fault: { kind: 'delay', ms: DELAY_MS } });
      } else {
        gateway.fakeOpenAi.enqueueScenarios('server-error');
        gateway.fakeOpenAi.faults.push({
          match: { path: /\/chat\/completions$/ },
          fault: { kind: 'delay', ms: DELAY_MS },
        });
      }
      const failed = await timeOverheadHeader(call(path, { method: 'POST', body }));
      expect(failed.response.status, what).toBe(status);
      expect(failed.response.headers.get('x-request-id'), what).toMatch(/^[0-9a-f-]{36}$/);
      expectUpstreamWaitSubtracted(failed, DELAY_MS);
      await failed.response.text();
    }
    expect([...gateway.fakeCodex.pendingScenarios, ...gateway.fakeOpenAi.pendingScenarios]).toEqual([]);
  });

  it('issue 16: x-gateway-overhead-ms on the subscription is under the wall time and not inflated by a slow upstream', async () => {
    const DELAY_MS = 1_000;
    const send = (path: string, body: Record<string, unknown>) => () =>
      fetch(`${gateway.url}/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
    const chat = { model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] };
    const requests = [
      send('/chat/completions', chat),
      send('/chat/completions', { ...chat, stream: true }),
      send('/responses', { model: 'chatgpt/gpt-5.5', input: 'Hi' }),
      send('/responses', { model: 'chatgpt/gpt-5.5', input: 'Hi', stream: true }),
    ];
    for (const request of requests) {
      const quick = await timeOverheadHeader(request);
      expect(quick.response.status).toBe(200);
      await quick.response.text();
      gateway.fakeCodex.faults.push({
        match: { method: 'POST', path: /\/responses$/ },
        fault: { kind: 'delay', ms: DELAY_MS },
      });
      const slow = await timeOverheadHeader(request);
      expect(slow.response.status).toBe(200);
      await slow.response.text();
      expectUpstreamWaitSubtracted(slow, DELAY_MS);
    }
    expect(gateway.fakeCodex.faults.pending).toEqual([]);
  });

  it('should report the gateway’s own time and log one access line per request, without secrets', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const stream = await openai.chat.completions.create({
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    for await (const _chunk of stream) {
      // drain
    }
    const lines = gateway.test.logs
      .map((line) => JSON.parse(line) as { msg: string; access?: Record<string, unknown> })
      .filter((line) => line.msg === 'v1 request')
      .slice(-2);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.access).toMatchObject({
        userId: user.userId,
        keyPrefix: user.apiKey.split('_').slice(0, 2).join('_'),
        route: 'POST /v1/chat/completions',
        status: 200,
        provider: 'chatgpt',
        model: 'chatgpt/gpt-5.5',
      });
      expect(line.access?.completionTokens).toBeGreaterThan(0);
      expect(typeof line.access?.durationMs).toBe('number');
    }
    expect(gateway.test.logs.join('\n')).not.toContain(user.apiKey);
  });
});

describe('authentication', () => {
  it('should refuse a wrong key with a 401 the SDK reports as AuthenticationError', async () => {
    const stranger = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'gwk_wrong', maxRetries: 0 });
    const error = await stranger.models.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
  });

  it('should accept the key in x-api-key as well', async () => {
    const response = await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': user.apiKey } });
    expect(response.status).toBe(200);
  });
});

describe('malformed requests', () => {
  const post = (body: string, contentType = 'application/json') =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': contentType },
      body,
    });
  const chat = (overrides: Record<string, unknown>) =>
    JSON.stringify({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }], ...overrides });
  const tool = (fn: Record<string, unknown>) => ({ type: 'function', function: fn });

  const cases: [string, string, RegExp | null][] = [
    ['bad JSON', '{"model":', null],
    ['an array body', '[]', null],
    ['a string body', '"hello"', null],
    ['no model', JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }] }), /model/],
    ['an empty model', chat({ model: '' }), /model/],
    ['a numeric model', chat({ model: 5 }), /model/],
    ['no messages', JSON.stringify({ model: 'chatgpt/gpt-5.5' }), /messages/],
    ['empty messages', chat({ messages: [] }), /messages/],
    ['messages as an object', chat({ messages: { role: 'user' } }), /messages/],
    ['an unknown role', chat({ messages: [{ role: 'robot', content: 'x' }] }), /messages/],
    ['the legacy function role', chat({ messages: [{ role: 'function', name: 'f', content: 'x' }] }), /messages/],
    ['a message without role', chat({ messages: [{ content: 'x' }] }), /messages/],
    ['numeric content', chat({ messages: [{ role: 'user', content: 42 }] }), /messages/],
    ['an empty part list', chat({ messages: [{ role: 'user', content: [] }] }), /messages/],
    [
      'an unknown part type',
      chat({ messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }),
      /messages/,
    ],
    [
      'an audio part',
      chat({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }),
      /messages/,
    ],
    [
      'an image URL that is not a URL',
      chat({
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }],
      }),
      /messages/,
    ],
    [
      'a data URL without base64 data',
      chat({
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,%%%' } }] }],
      }),
      /base64/,
    ],
    [
      'a tool message without tool_call_id',
      chat({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', content: 'r' },
        ],
      }),
      /messages/,
    ],
    [
      'an orphan tool message',
      chat({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'call_x', content: 'r' },
        ],
      }),
      /does not answer a tool call/,
    ],
    [
      'an assistant with nothing',
      chat({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: '' },
        ],
      }),
      /needs content or tool_calls/,
    ],
    [
      'tool call arguments that are not JSON',
      chat({
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{oops' } }],
          },
        ],
      }),
      /arguments/,
    ],
    [
      'a tool call without id',
      chat({
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        ],
      }),
      /messages/,
    ],
    ['tools as an object', chat({ tools: { type: 'function' } }), /tools/],
    ['a non-function tool', chat({ tools: [{ type: 'web_search' }] }), /tools/],
    ['a tool without a name', chat({ tools: [tool({ parameters: { type: 'object' } })] }), /tools/],
    ['a tool name with spaces', chat({ tools: [tool({ name: 'get weather' })] }), /tools/],
    ['a tool name too long', chat({ tools: [tool({ name: 'x'.repeat(65) })] }), /tools/],
    [
      'tool parameters that are not an object schema',
      chat({ tools: [tool({ name: 'f', parameters: { type: 'string' } })] }),
      /tools/,
    ],
    ['tool parameters as a string', chat({ tools: [tool({ name: 'f', parameters: 'object' })] }), /tools/],
    ['an unknown tool_choice', chat({ tool_choice: 'sometimes' }), /tool_choice/],
    [
      'tool_choice naming a missing tool',
      chat({ tools: [tool({ name: 'f' })], tool_choice: { type: 'function', function: { name: 'g' } } }),
      /not one of "tools"/,
    ],
    ['tool_choice required without tools', chat({ tool_choice: 'required' }), /at least one tool/],
    ['an unknown reasoning_effort', chat({ reasoning_effort: 'extreme' }), /reasoning_effort/],
    ['an unknown response_format', chat({ response_format: { type: 'xml' } }), /response_format/],
    [
      'json_schema without a name',
      chat({ response_format: { type: 'json_schema', json_schema: { schema: {} } } }),
      /response_format/,
    ],
    ['a negative max_tokens', chat({ max_tokens: -1 }), /max_tokens/],
    ['a fractional max_completion_tokens', chat({ max_completion_tokens: 1.5 }), /max_completion_tokens/],
    ['temperature 3', chat({ temperature: 3 }), /temperature/],
    ['top_p 2', chat({ top_p: 2 }), /top_p/],
    ['n = 2', chat({ n: 2 }), /n/],
    ['five stop sequences', chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), /stop/],
    ['stream as a string', chat({ stream: 'yes' }), /stream/],
    ['the audio modality', chat({ modalities: ['text', 'audio'] }), /modalities/],
  ];

  it.each(cases)('should answer %s with a 4xx in the OpenAI envelope', async (_name, body, message) => {
    const response = await post(body);
    expect(response.status, await response.clone().text()).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toEqual({
      message: expect.any(String),
      type: 'invalid_request_error',
      code: expect.any(String),
      param: expect.toSatisfy((value: unknown) => value === null || typeof value === 'string'),
    });
    if (message != null) expect(`${String(error.param)} ${String(error.message)}`).toMatch(message);
    expect(gateway.fakeCodex.exchanges).toHaveLength(0);
  });

  it('should refuse a body over the limit and a wrong content type, never with a 5xx', async () => {
    const huge = await post(chat({ messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }] }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const xml = await post('<hello/>', 'application/xml');
    expect(xml.status).toBe(415);
    expect(((await xml.json()) as { error: { message: string } }).error.message).toMatch(/application\/json/);
    const text = await post('hello', 'text/plain');
    expect(text.status).toBe(400);
  });

  it('should answer an unknown /v1 path with a 404 in the OpenAI envelope', async () => {
    const response = await fetch(`${gateway.url}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}` },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Unknown endpoint/);
  });
});
