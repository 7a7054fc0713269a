import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import type { ParsedJson } from '../read-sse-body.ts';
import { readSseBody } from '../read-sse-body.ts';
import { startFakeOpenAiApi } from './openai-api-fake.ts';
import { FIXED_NOW, postOpenAi, USER_MESSAGES } from './test-support.ts';

afterEach(closeAllFakeServers);

type Chunk = {
  id: string;
  object: string;
  choices: { index: number; delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: Record<string, unknown> | null;
};

async function streamChat(options: {
  scenario?: Parameters<Awaited<ReturnType<typeof startFakeOpenAiApi>>['enqueueScenarios']>[0];
  body?: Record<string, unknown>;
}) {
  const fake = await startFakeOpenAiApi({ now: () => FIXED_NOW });
  if (options.scenario != null) fake.enqueueScenarios(options.scenario);
  const response = await postOpenAi({
    url: `${fake.baseUrl}/chat/completions`,
    body: { model: 'gpt-4o-mini', messages: USER_MESSAGES, stream: true, ...options.body },
  });
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  return {
    fake,
    response,
    ...(isStream ? await readSseBody(response) : { events: [], data: [], streamError: undefined }),
  };
}

function joinDeltas(chunks: Chunk[], field: string): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta[field] ?? '').join('');
}

describe('POST /v1/chat/completions (non-streaming)', () => {
  it('should answer a chat.completion with usage', async () => {
    const fake = await startFakeOpenAiApi({ now: () => FIXED_NOW });

    const response = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('499');
    expect(await response.json()).toEqual({
      id: 'chatcmpl-fake0001',
      object: 'chat.completion',
      created: 1_767_000_000,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 3,
        completion_tokens: 8,
        total_tokens: 11,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    });
  });

  it('should answer tool calls with null content and finish_reason tool_calls', async () => {
    const fake = await startFakeOpenAiApi({ scenarios: ['parallel-tool-calls'] });

    const response = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
    });

    expect(await response.json()).toMatchObject({
      choices: [
        {
          message: {
            content: null,
            tool_calls: [
              {
                id: 'call_fake_0001_0',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              {
                id: 'call_fake_0001_1',
                type: 'function',
                function: { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
  });

  it('should carry reasoning_content and count reasoning tokens', async () => {
    const fake = await startFakeOpenAiApi({ scenarios: ['reasoning'] });

    const response = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-5-mini', messages: USER_MESSAGES },
    });

    const body = (await response.json()) as {
      choices: { message: Record<string, unknown> }[];
      usage: Record<string, ParsedJson>;
    };
    expect(body.choices[0]?.message.reasoning_content).toBe('The user greets me. A short, friendly answer fits.');
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(13);
  });

  it('should stop with finish_reason length when max_completion_tokens is tiny', async () => {
    const fake = await startFakeOpenAiApi();

    const response = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES, max_completion_tokens: 2 },
    });

    expect(await response.json()).toMatchObject({
      choices: [{ message: { content: 'Hello! H' }, finish_reason: 'length' }],
      usage: { completion_tokens: 2 },
    });
  });

  it('should take usage overrides from the scenario', async () => {
    const fake = await startFakeOpenAiApi({
      scenarios: [{ kind: 'reply', usage: { promptTokens: 1200, cachedTokens: 1024, completionTokens: 80 } }],
    });

    const response = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
    });

    expect(await response.json()).toMatchObject({
      usage: {
        prompt_tokens: 1200,
        completion_tokens: 80,
        total_tokens: 1280,
        prompt_tokens_details: { cached_tokens: 1024 },
      },
    });
  });

  it('should answer a mid-stream error scenario with a 500 and drop the connection for a disconnect', async () => {
    const fake = await startFakeOpenAiApi({ scenarios: ['error-mid-stream', 'disconnect-mid-stream'] });
    const body = { model: 'gpt-4o-mini', messages: USER_MESSAGES };

    const failed = await postOpenAi({ url: `${fake.baseUrl}/chat/completions`, body });
    const dropped = await postOpenAi({ url: `${fake.baseUrl}/chat/completions`, body }).then(
      () => 'answered',
      () => 'failed',
    );

    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
    expect(dropped).toBe('failed');
    expect(fake.clientCloses).toEqual([]);
  });
});

describe('POST /v1/chat/completions (streaming)', () => {
  it('should stream a role chunk, text deltas, a finish chunk and [DONE]', async () => {
    const { response, data, events } = await streamChat({});

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(events.every((event) => event.event === undefined)).toBe(true);
    const chunks = data.slice(0, -1) as Chunk[];
    expect(data.at(-1)).toBe('[DONE]');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'Hello! H' },
      { content: 'ow can I' },
      { content: ' help yo' },
      { content: 'u today?' },
      {},
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === 'chatcmpl-fake0001')).toBe(
      true,
    );
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
  });

  it('should add usage: null to each chunk and a final usage chunk with include_usage', async () => {
    const { data } = await streamChat({ body: { stream_options: { include_usage: true } } });

    const chunks = data.slice(0, -1) as Chunk[];
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 8, total_tokens: 11 },
    });
  });

  it('should split text into chunkCount deltas', async () => {
    const fake = await startFakeOpenAiApi({ chunkCount: 32 });

    const { data } = await readSseBody(
      await postOpenAi({
        url: `${fake.baseUrl}/chat/completions`,
        body: { model: 'gpt-4o-mini', messages: USER_MESSAGES, stream: true },
      }),
    );

    const chunks = data.slice(0, -1) as Chunk[];
    expect(chunks).toHaveLength(34);
    expect(joinDeltas(chunks, 'content')).toBe('Hello! How can I help you today?');
  });

  it('should stream reasoning_content deltas before the content', async () => {
    const { data } = await streamChat({ scenario: 'reasoning', body: { model: 'gpt-5-mini' } });

    const chunks = data.slice(0, -1) as Chunk[];
    expect(joinDeltas(chunks, 'reasoning_content')).toBe('The user greets me. A short, friendly answer fits.');
    expect(joinDeltas(chunks, 'content')).toBe('Hello! How can I help you today?');
    const firstContent = chunks.findIndex(
      (chunk) => typeof chunk.choices[0]?.delta.content === 'string' && chunk.choices[0]?.delta.content !== '',
    );
    const lastReasoning = chunks.findLastIndex((chunk) => chunk.choices[0]?.delta.reasoning_content != null);
    expect(lastReasoning).toBeLessThan(firstContent);
  });

  it('should stream a tool call as a header then argument deltas', async () => {
    const { data } = await streamChat({ scenario: 'tool-call' });

    const deltas = (data.slice(0, -1) as Chunk[]).map((chunk) => chunk.choices[0]?.delta);
    expect(deltas[0]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { index: 0, id: 'call_fake_0001_0', type: 'function', function: { name: 'get_weather', arguments: '' } },
      ],
      refusal: null,
    });
    expect(deltas.slice(1, -1)).toEqual([
      { tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'ty":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Par' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] },
    ]);
    expect((data.at(-2) as Chunk).choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('should stream parallel tool calls with their own index', async () => {
    const { data } = await streamChat({ scenario: 'parallel-tool-calls' });

    const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
    for (const chunk of data.slice(0, -1) as Chunk[]) {
      for (const call of (chunk.choices[0]?.delta.tool_calls ?? []) as ParsedJson[]) {
        const entry = calls.get(call.index) ?? { arguments: '' };
        if (call.id != null) entry.id = call.id;
        if (call.function?.name != null) entry.name = call.function.name;
        entry.arguments += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
    }
    expect([...calls.entries()]).toEqual([
      [0, { id: 'call_fake_0001_0', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      [1, { id: 'call_fake_0001_1', name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' }],
    ]);
  });

  it.each([
    ['length', 'length'],
    ['content-filter', 'content_filter'],
  ] as const)('should end the %s scenario with finish_reason %s', async (scenario, finishReason) => {
    const { data } = await streamChat({ scenario });

    expect((data.at(-2) as Chunk).choices[0]?.finish_reason).toBe(finishReason);
    expect(data.at(-1)).toBe('[DONE]');
  });

  it('should send an error data event mid-stream and end without [DONE]', async () => {
    const { data, streamError } = await streamChat({ scenario: 'error-mid-stream' });

    expect(streamError).toBeUndefined();
    expect(data).toHaveLength(4);
    expect(joinDeltas(data.slice(0, 3) as Chunk[], 'content')).toBe('Hello! How can I');
    expect(data.at(-1)).toEqual({
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
  });

  it('should cut the connection mid-stream for the disconnect scenario', async () => {
    const { data, streamError, fake } = await streamChat({ scenario: 'disconnect-mid-stream' });

    expect(streamError).toBeInstanceOf(Error);
    expect(data).toHaveLength(3);
    expect(data).not.toContain('[DONE]');
    // The fake cut it, so it is not a client abort.
    expect(fake.clientCloses).toEqual([]);
  });

  it.each([
    [
      'rate-limit',
      429,
      {
        error: {
          message:
            'Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 500, Used 500, ' +
            'Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    ],
    [
      'insufficient-quota',
      429,
      {
        error: {
          message:
            'You exceeded your current quota, please check your plan and billing details. For more information on this ' +
            'error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
    ],
    [
      'server-error',
      500,
      {
        error: {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        },
      },
    ],
    [
      'overloaded',
      503,
      {
        error: {
          message: 'The engine is currently overloaded, please try again later',
          type: 'server_error',
          param: null,
          code: null,
        },
      },
    ],
  ] as const)('should answer the %s scenario before any stream with %i', async (scenario, status, body) => {
    const { response, fake } = await streamChat({ scenario });

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(body);
    // A scenario is used once; the next request gets the default text reply.
    expect(fake.pendingScenarios).toEqual([]);
  });

  it('should send Retry-After and exhausted x-ratelimit headers with a 429', async () => {
    const { response } = await streamChat({ scenario: 'rate-limit' });

    expect(
      Object.fromEntries([...response.headers].filter(([name]) => /^(retry-after|x-ratelimit-)/.test(name))),
    ).toEqual({
      'retry-after': '1',
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-limit-tokens': '200000',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-reset-tokens': '1s',
    });
  });

  it('should wait perChunkDelayMs before each event', async () => {
    const fake = await startFakeOpenAiApi({ perChunkDelayMs: 20 });
    const started = Date.now();

    await readSseBody(
      await postOpenAi({
        url: `${fake.baseUrl}/chat/completions`,
        body: { model: 'gpt-4o-mini', messages: USER_MESSAGES, stream: true },
      }),
    );

    // Seven events (role, four deltas, finish, [DONE]).
    expect(Date.now() - started).toBeGreaterThanOrEqual(7 * 20 - 5);
  });

  it('should record a client that aborts mid-stream', async () => {
    const fake = await startFakeOpenAiApi({ perChunkDelayMs: 50 });
    const controller = new AbortController();
    const response = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES, stream: true },
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();

    const abortedAt = Date.now();
    controller.abort();

    await expect.poll(() => fake.clientCloses.length).toBe(1);
    expect(fake.clientCloses[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', wasStreaming: true });
    expect(fake.clientCloses[0]?.closedAt).toBeGreaterThanOrEqual(abortedAt);
    expect(fake.clientCloses[0]?.closedAt).toBeGreaterThanOrEqual(
      fake.requests[0]?.timestamp ?? Number.POSITIVE_INFINITY,
    );
  });

  it('should record a client that gives up on a slow non-streaming answer', async () => {
    const fake = await startFakeOpenAiApi({ perChunkDelayMs: 100 });

    const outcome = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
      signal: AbortSignal.timeout(50),
    }).then(
      () => 'answered',
      (error: Error) => error.name,
    );

    expect(outcome).toBe('TimeoutError');
    await expect.poll(() => fake.clientCloses).toMatchObject([{ path: '/v1/chat/completions', wasStreaming: false }]);
  });
});

const VALID = { model: 'gpt-4o-mini', messages: USER_MESSAGES };

describe('POST /v1/chat/completions (rejections)', () => {
  it.each<[string, unknown, number, Record<string, unknown>]>([
    [
      'a body that is not JSON',
      '{"model":',
      400,
      {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
          'The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix ' +
          'this, please contact us through our help center at help.openai.com.)',
        param: null,
        code: null,
      },
    ],
    [
      'an unknown parameter',
      { ...VALID, foo: 1 },
      400,
      { message: 'Unrecognized request argument supplied: foo', param: null, code: null },
    ],
    [
      'no model',
      { messages: USER_MESSAGES },
      400,
      { message: 'you must provide a model parameter', param: null, code: null },
    ],
    [
      'an unknown model',
      { ...VALID, model: 'gpt-9' },
      404,
      {
        message: 'The model `gpt-9` does not exist or you do not have access to it.',
        param: null,
        code: 'model_not_found',
      },
    ],
    [
      'an embedding model',
      { ...VALID, model: 'text-embedding-3-small' },
      404,
      {
        message:
          'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?',
        param: 'model',
        code: null,
      },
    ],
    [
      'no messages',
      { model: 'gpt-4o-mini' },
      400,
      { message: "Missing required parameter: 'messages'.", param: 'messages', code: 'missing_required_parameter' },
    ],
    [
      'messages that are not an array',
      { ...VALID, messages: 'hi' },
      400,
      {
        message: "Invalid type for 'messages': expected an array, but got a string instead.",
        param: 'messages',
        code: 'invalid_type',
      },
    ],
    [
      'empty messages',
      { ...VALID, messages: [] },
      400,
      {
        message:
          "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        param: 'messages',
        code: 'empty_array',
      },
    ],
    [
      'an unknown role',
      { ...VALID, messages: [{ role: 'bot', content: 'x' }] },
      400,
      {
        message:
          "Invalid value: 'bot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
        param: 'messages[0].role',
        code: 'invalid_value',
      },
    ],
    [
      'a message without role',
      { ...VALID, messages: [{ content: 'x' }] },
      400,
      {
        message: "Missing required parameter: 'messages[0].role'.",
        param: 'messages[0].role',
        code: 'missing_required_parameter',
      },
    ],
    [
      'a user message without content',
      { ...VALID, messages: [{ role: 'user' }] },
      400,
      {
        message: "Missing required parameter: 'messages[0].content'.",
        param: 'messages[0].content',
        code: 'missing_required_parameter',
      },
    ],
    [
      'an unknown content part type',
      { ...VALID, messages: [{ role: 'user', content: [{ type: 'video', video: 'x' }] }] },
      400,
      {
        message: "Invalid value: 'video'. Supported values are: 'text', 'image_url', 'input_audio', and 'file'.",
        param: 'messages[0].content[0].type',
        code: 'invalid_value',
      },
    ],
    [
      'a tool message without a preceding tool call',
      { ...VALID, messages: [...USER_MESSAGES, { role: 'tool', tool_call_id: 'call_1', content: '{}' }] },
      400,
      {
        message:
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        param: 'messages.[1].role',
        code: null,
      },
    ],
    [
      'a tool call left unanswered',
      {
        ...VALID,
        messages: [
          ...USER_MESSAGES,
          {
            role: 'assistant',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'user', content: 'next' },
        ],
      },
      400,
      {
        message:
          "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
          'The following tool_call_ids did not have response messages: call_1',
        param: 'messages.[1].role',
        code: null,
      },
    ],
    [
      'a tool message without tool_call_id',
      {
        ...VALID,
        messages: [
          ...USER_MESSAGES,
          {
            role: 'assistant',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', content: '{}' },
        ],
      },
      400,
      {
        message: "Missing required parameter: 'messages[2].tool_call_id'.",
        param: 'messages[2].tool_call_id',
        code: 'missing_required_parameter',
      },
    ],
    [
      'tools that are not an array',
      { ...VALID, tools: {} },
      400,
      {
        message: "Invalid type for 'tools': expected an array, but got an object instead.",
        param: 'tools',
        code: 'invalid_type',
      },
    ],
    [
      'a tool of an unknown type',
      { ...VALID, tools: [{ type: 'func', function: { name: 'f' } }] },
      400,
      {
        message: "Invalid value: 'func'. Supported values are: 'function' and 'custom'.",
        param: 'tools[0].type',
        code: 'invalid_value',
      },
    ],
    [
      'a tool without a name',
      { ...VALID, tools: [{ type: 'function', function: { description: 'x' } }] },
      400,
      {
        message: "Missing required parameter: 'tools[0].function.name'.",
        param: 'tools[0].function.name',
        code: 'missing_required_parameter',
      },
    ],
    [
      'a tool name with spaces',
      { ...VALID, tools: [{ type: 'function', function: { name: 'get weather' } }] },
      400,
      {
        message:
          "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        param: 'tools[0].function.name',
        code: 'invalid_value',
      },
    ],
    [
      'tool parameters that are not an object',
      { ...VALID, tools: [{ type: 'function', function: { name: 'f', parameters: 'x' } }] },
      400,
      {
        message: "Invalid type for 'tools[0].function.parameters': expected an object, but got a string instead.",
        param: 'tools[0].function.parameters',
        code: 'invalid_type',
      },
    ],
    [
      'tool_choice without tools',
      { ...VALID, tool_choice: 'required' },
      400,
      {
        message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        param: 'tool_choice',
        code: null,
      },
    ],
    [
      'stream_options without stream',
      { ...VALID, stream_options: { include_usage: true } },
      400,
      {
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        param: 'stream_options',
        code: null,
      },
    ],
    [
      'a string stream flag',
      { ...VALID, stream: 'yes' },
      400,
      {
        message: "Invalid type for 'stream': expected a boolean, but got a string instead.",
        param: 'stream',
        code: 'invalid_type',
      },
    ],
    [
      'max_tokens of zero',
      { ...VALID, max_tokens: 0 },
      400,
      {
        message: "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
        param: 'max_tokens',
        code: 'integer_below_min_value',
      },
    ],
    [
      'max_tokens on a reasoning model',
      { ...VALID, model: 'o4-mini', max_tokens: 100 },
      400,
      {
        message:
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        param: 'max_tokens',
        code: 'unsupported_parameter',
      },
    ],
    [
      'a temperature on a reasoning model',
      { ...VALID, model: 'gpt-5-mini', temperature: 0.2 },
      400,
      {
        message:
          "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        param: 'temperature',
        code: 'unsupported_value',
      },
    ],
  ])('should reject %s', async (_case, body, status, error) => {
    const fake = await startFakeOpenAiApi({ scenarios: ['tool-call'] });

    const response = await postOpenAi({ url: `${fake.baseUrl}/chat/completions`, body });

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { type: 'invalid_request_error', ...error } });
    // A rejected request does not use up the queued scenario.
    expect(fake.pendingScenarios).toHaveLength(1);
  });

  it('should accept a full tool round trip and vendor fields when unknown parameters are allowed', async () => {
    const fake = await startFakeOpenAiApi({ shouldRejectUnknownParameters: false });

    const response = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: {
        model: 'gpt-4o-mini',
        thinking: { type: 'enabled' },
        messages: [
          { role: 'system', content: 'Be terse.' },
          ...USER_MESSAGES,
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"tempC":18}' },
        ],
        tools: [
          { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
        ],
        tool_choice: 'auto',
      },
    });

    expect(response.status).toBe(200);
  });
});

describe('POST /v1/chat/completions (echo scenario)', () => {
  const messagesFor = (content: unknown) => [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'an earlier question' },
    { role: 'assistant', content: 'an answer' },
    { role: 'user', content },
  ];

  it('should answer with the last user message, streamed or not', async () => {
    const fake = await startFakeOpenAiApi({ now: () => FIXED_NOW, scenarios: ['echo', 'echo'] });

    const plain = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: messagesFor('plain one') },
    });
    const streamed = await readSseBody(
      await postOpenAi({
        url: `${fake.baseUrl}/chat/completions`,
        body: {
          model: 'gpt-4o-mini',
          messages: messagesFor([
            { type: 'text', text: 'streamed ' },
            { type: 'text', text: 'one' },
          ]),
          stream: true,
        },
      }),
    );

    expect(((await plain.json()) as ParsedJson).choices[0].message.content).toBe('echo: plain one');
    expect(joinDeltas(streamed.data.filter((chunk) => chunk !== '[DONE]') as Chunk[], 'content')).toBe(
      'echo: streamed one',
    );
  });

  it('should give every overlapping request its own echo when echo is the default', async () => {
    // A delay before each chunk keeps the streams in flight together.
    const fake = await startFakeOpenAiApi({ defaultScenario: 'echo', perChunkDelayMs: 10 });
    const ask = async (question: string, stream: boolean) => {
      const response = await postOpenAi({
        url: `${fake.baseUrl}/chat/completions`,
        body: { model: 'gpt-4o-mini', messages: messagesFor(question), stream },
      });
      if (!stream) return ((await response.json()) as ParsedJson).choices[0].message.content as string;
      const { data } = await readSseBody(response);
      return joinDeltas(data.filter((chunk) => chunk !== '[DONE]') as Chunk[], 'content');
    };
    const questions = Array.from({ length: 8 }, (_, index) => `question ${index}`);

    const answers = await Promise.all(questions.map((question, index) => ask(question, index % 2 === 0)));

    expect(answers).toEqual(questions.map((question) => `echo: ${question}`));
  });

  it('should let a given text win over echo', async () => {
    const { data } = await streamChat({ scenario: { kind: 'reply', echo: true, text: 'fixed' } });

    expect(joinDeltas(data.filter((chunk) => chunk !== '[DONE]') as Chunk[], 'content')).toBe('fixed');
  });
});
