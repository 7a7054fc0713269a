import Anthropic from '@anthropic-ai/sdk';
import { FAKE_CODEX_REASONING_TEXT, FAKE_CODEX_REPLY_TEXT } from '@pag/testkit';
import { countTokens } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// The official Anthropic SDK, unmodified, as a client of the gateway's /v1/messages on the subscription (the fake
// Codex backend behind it): what Claude Code and Anthropic-SDK tools send, and the SDK's own error classes.
let gateway: AiTestGateway;
let user: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'anthropic-sdk@home.test', chatgptAccount: 'carol@example.com' });
});
afterAll(async () => {
  await gateway?.close();
});

/** The SDK as a user configures it for the gateway; no retries, so a refused request is seen once. */
function client(apiKey = user.apiKey) {
  return new Anthropic({ apiKey, baseURL: gateway.url, maxRetries: 0 });
}

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** The last request the fake Codex backend received, as JSON. */
function lastCodexBody(): { input: Record<string, unknown>[]; [key: string]: unknown } {
  return gateway.fakeCodex.exchanges.at(-1)?.request?.json as { input: Record<string, unknown>[] };
}

// A 1×1 transparent PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('the Anthropic SDK as a client of /v1/messages', () => {
  it('issue 20: answers a non-stream message with the gateway model, text, stop reason and usage', async () => {
    gateway.fakeCodex.enqueueScenarios('text');
    const message = await client().messages.create({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 1024,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe('chatgpt/gpt-5.5');
    expect(message.content).toEqual([{ type: 'text', text: FAKE_CODEX_REPLY_TEXT }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(JSON.stringify(lastCodexBody())).toContain('You are terse.');
  });

  it('issue 20: streams the events in Anthropic order and the SDK assembles the same message', async () => {
    gateway.fakeCodex.enqueueScenarios('text');
    const stream = client().messages.stream({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    const message = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 2)).toEqual(['content_block_start']);
    expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(1);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(text).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(message.content).toEqual([{ type: 'text', text: FAKE_CODEX_REPLY_TEXT }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('issue 20: sends ping and named SSE events exactly as Anthropic does', async () => {
    gateway.fakeCodex.enqueueScenarios('text');
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': user.apiKey,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14',
      },
      body: JSON.stringify({
        model: 'chatgpt/gpt-5.5',
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = (await response.text()).split('\n\n').filter((frame) => frame.startsWith('event:'));
    const named = frames.map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const data = JSON.parse(dataLine?.slice('data: '.length) ?? '') as { type: string };
      return { name: eventLine?.slice('event: '.length), type: data.type };
    });
    expect(named.every(({ name, type }) => name === type)).toBe(true);
    expect(named.slice(0, 2).map(({ type }) => type)).toEqual(['message_start', 'ping']);
    expect(named.at(-1)?.type).toBe('message_stop');
  });

  it('issue 20: round-trips a tool call: tool_use out, tool_result back (streamed)', async () => {
    gateway.fakeCodex.enqueueScenarios('function-call', 'text');
    const first = await client()
      .messages.stream({
        model: 'chatgpt/gpt-5.5',
        max_tokens: 1024,
        tools: [weatherTool],
        tool_choice: { type: 'auto' },
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    const codexTools = lastCodexBody().tools as { name: string; parameters: unknown }[];
    expect(codexTools[0]).toMatchObject({ name: 'get_weather', parameters: weatherTool.input_schema });

    const second = await client().messages.create({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 1024,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: toolUse?.type === 'tool_use' ? toolUse.id : '', content: '21 °C' },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: FAKE_CODEX_REPLY_TEXT }]);
    const input = lastCodexBody().input;
    expect(input).toContainEqual(expect.objectContaining({ type: 'function_call', name: 'get_weather' }));
    expect(input).toContainEqual(expect.objectContaining({ type: 'function_call_output', output: '21 °C' }));
  });

  it('issue 20: carries a tool_result with is_error to the model as the failure it is', async () => {
    gateway.fakeCodex.enqueueScenarios('text');
    await client().messages.create({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: 'city not found' }],
        },
      ],
    });
    expect(lastCodexBody().input).toContainEqual(
      expect.objectContaining({ type: 'function_call_output', call_id: 'toolu_1', output: 'city not found' }),
    );
  });

  it('issue 20: sends base64 and URL images to the model', async () => {
    gateway.fakeCodex.enqueueScenarios('text');
    await client().messages.create({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 256,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
            { type: 'image', source: { type: 'url', url: 'https://images.example.com/cat.jpg' } },
            { type: 'text', text: 'What is in these pictures?' },
          ],
        },
      ],
    });
    const content = (lastCodexBody().input.at(-1) as { content: Record<string, unknown>[] }).content;
    expect(content).toEqual([
      expect.objectContaining({ type: 'input_image', image_url: `data:image/png;base64,${PNG_BASE64}` }),
      expect.objectContaining({ type: 'input_image', image_url: 'https://images.example.com/cat.jpg' }),
      expect.objectContaining({ type: 'input_text', text: 'What is in these pictures?' }),
    ]);
  });

  it('issue 20: streams thinking with a signature that replays the reasoning on the next turn', async () => {
    gateway.fakeCodex.enqueueScenarios('reasoning-text', 'text');
    const stream = client().messages.stream({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 20_000,
      thinking: { type: 'enabled', budget_tokens: 16_384 },
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'content_block_delta') deltas.push(event.delta.type);
    const first = await stream.finalMessage();
    expect(deltas).toContain('thinking_delta');
    expect(deltas).toContain('signature_delta');
    expect(lastCodexBody().reasoning).toMatchObject({ effort: 'high' });
    const thinking = first.content.find((block) => block.type === 'thinking');
    expect(thinking).toMatchObject({ type: 'thinking', thinking: FAKE_CODEX_REASONING_TEXT });
    expect(first.content.at(-1)).toEqual({ type: 'text', text: FAKE_CODEX_REPLY_TEXT, citations: undefined });

    await client().messages.create({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 20_000,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: 'And again?' },
      ],
    });
    const replay = lastCodexBody();
    expect(replay.reasoning).toMatchObject({ effort: 'low' });
    expect(replay.input).toContainEqual(
      expect.objectContaining({
        type: 'reasoning',
        encrypted_content: expect.stringMatching(/^gAAAAAB/),
        summary: [{ type: 'summary_text', text: FAKE_CODEX_REASONING_TEXT }],
      }),
    );
  });

  it('issue 20: leaves reasoning out when the request did not turn thinking on', async () => {
    gateway.fakeCodex.enqueueScenarios('reasoning-text');
    const message = await client().messages.create({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: FAKE_CODEX_REPLY_TEXT }]);
  });

  it('issue 20: answers the SDK beta surface Claude Code uses (?beta=true, anthropic-beta) the same way', async () => {
    gateway.fakeCodex.enqueueScenarios('text');
    const message = await client().beta.messages.create({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 64,
      betas: ['interleaved-thinking-2025-05-14'],
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      metadata: { user_id: 'user_abc' },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }],
    });
    expect(message.content).toEqual([{ type: 'text', text: FAKE_CODEX_REPLY_TEXT }]);
    const count = await client().beta.messages.countTokens({
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(count.input_tokens).toBeGreaterThan(0);
  });

  it('issue 20: says in a header that the subscription ignored max_tokens', async () => {
    gateway.fakeCodex.enqueueScenarios('text');
    const { response } = await client()
      .messages.create({ model: 'chatgpt/gpt-5.5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(response.headers.get('x-gateway-warning')).toMatch(/max/i);
    expect(lastCodexBody()).not.toHaveProperty('max_output_tokens');
  });
});

describe('errors of /v1/messages as the Anthropic SDK sees them', () => {
  it('issue 20: an upstream that breaks off mid-answer ends the stream with an error event the SDK throws', async () => {
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'The answer is long',
      ending: { kind: 'disconnect', afterDeltas: 2 },
    });
    const stream = client().messages.stream({
      model: 'chatgpt/gpt-5.5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(types).toContain('content_block_delta');
    expect(types).not.toContain('message_stop');
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error' },
    });
  });

  it('issue 20: a wrong key is the SDK AuthenticationError with the Anthropic envelope', async () => {
    const error = await client('gwk_wrong_key_000000000000000000000000')
      .messages.create({ model: 'chatgpt/gpt-5.5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).status).toBe(401);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
  });

  it('issue 20: an upstream rate limit is the SDK RateLimitError with retry-after', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'rate-limit', retryAfterSeconds: 7 });
    const error = await client()
      .messages.create({ model: 'chatgpt/gpt-5.5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(Number(rateLimit.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(rateLimit.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('issue 20: a used-up quota says x-should-retry: false, so the SDK does not wait for the reset', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 3600 });
    const startedAt = Date.now();
    const error = await new Anthropic({ apiKey: user.apiKey, baseURL: gateway.url, maxRetries: 2 }).messages
      .create({ model: 'chatgpt/gpt-5.5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.headers?.get('x-should-retry')).toBe('false');
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('issue 20: an overloaded upstream is 529 overloaded_error', async () => {
    // The subscription retries a 503 four times itself (CODEX_MAX_RETRIES) before it gives up.
    gateway.fakeCodex.enqueueScenarios(...Array.from({ length: 5 }, () => 'overloaded' as const));
    const error = await client()
      .messages.create({ model: 'chatgpt/gpt-5.5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    const overloaded = error as InstanceType<typeof Anthropic.InternalServerError>;
    expect(overloaded.status).toBe(529);
    expect(overloaded.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('issue 20: a malformed request is the SDK BadRequestError naming the field', async () => {
    const error = await client()
      .messages.create({
        model: 'chatgpt/gpt-5.5',
        max_tokens: 16,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const badRequest = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(badRequest.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(badRequest.message).toContain('tool_use_id');
  });
});

describe('/v1/messages/count_tokens', () => {
  it('issue 20: counts the input with the SDK, more for a longer prompt, without an upstream call', async () => {
    const before = gateway.fakeCodex.exchanges.length;
    const short = await client().messages.countTokens({
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const long = await client().messages.countTokens({
      model: 'chatgpt/gpt-5.5',
      system: 'You are a careful assistant who answers in full sentences.',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Hello '.repeat(200) }],
    });
    // 3 for the request, 4 for the message's framing, and "Hello" (one token in o200k_base).
    expect(short.input_tokens).toBe(3 + 4 + countTokens('Hello'));
    expect(long.input_tokens).toBeGreaterThan(200);
    const after = gateway.fakeCodex.exchanges.length;
    expect(after).toBe(before);
  });
});
