import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { describe, expect, it, vi } from 'vitest';
import { aggregateStream } from '../common/aggregate-stream.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { ReconnectRequiredError } from '../errors/reconnect-required-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UsageLimitError } from '../errors/usage-limit-error.ts';
import { catchError } from '../test/catch-error.ts';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { createRecordingFetch, requestBodyOf } from '../test/create-recording-fetch.ts';
import { createJsonResponse, createSseResponse } from '../test/create-sse-response.ts';
import { CODEX_FIXTURES, readFixtureLines } from '../test/read-fixture-lines.ts';
import { toAssistantMessage } from '../test/to-assistant-message.ts';
import { createCodexChatModel } from './codex-chat-model.ts';
import type { CodexChatModelSettings } from './codex-options.ts';
import { toCodexToolName } from './codex-tool-names.ts';

const CONVERSATION_ID = '01a209a7-7fb3-7f32-aa02-2b7ce5753d0d';
const LONG_TOOL_NAME = `mcp__notes_server__${'search_everything_in_the_workspace_'.repeat(3)}now`;

const textResponse = () => createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-text'));

function createModel(fetch: typeof globalThis.fetch, overrides: Partial<CodexChatModelSettings> = {}) {
  let calls = 0;
  const getCredentials = vi.fn<CodexChatModelSettings['getCredentials']>(async () => {
    calls += 1;
    return { accessToken: `access-${calls}`, accountId: 'acct-abc123' };
  });
  const model = createCodexChatModel({
    modelId: 'gpt-5.5',
    baseUrl: 'https://chatgpt.example/backend-api/',
    fetch,
    getCredentials,
    conversationId: CONVERSATION_ID,
    originator: 'pag_gateway',
    userAgent: 'pag_gateway/0.1.0 (Linux; x86_64)',
    ...overrides,
  });
  return { model, getCredentials };
}

const prompt: LanguageModelV3Prompt = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: [{ type: 'text', text: 'Say hi' }] },
];

describe('Codex request', () => {
  it('should send what Codex 0.169 sends, and nothing the backend rejects', async () => {
    const { fetch, requests } = createRecordingFetch(textResponse());
    const { model } = createModel(fetch);
    const { stream } = await model.doStream({
      prompt,
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Weather for a city',
          inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        { type: 'function', name: LONG_TOOL_NAME, inputSchema: { type: 'object', properties: {} } },
      ],
      providerOptions: { codex: { reasoningEffort: 'high' } },
    });
    const parts = await convertStreamToArray(stream);

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.url).toBe('https://chatgpt.example/backend-api/codex/responses');
    expect(request?.method).toBe('POST');
    expect(request?.headers).toEqual({
      authorization: 'Bearer access-1',
      'chatgpt-account-id': 'acct-abc123',
      'content-type': 'application/json',
      accept: 'text/event-stream',
      originator: 'pag_gateway',
      'user-agent': 'pag_gateway/0.1.0 (Linux; x86_64)',
      'session-id': CONVERSATION_ID,
      'thread-id': CONVERSATION_ID,
    });
    const body = requestBodyOf(requests);
    expect(Object.keys(body)).toEqual([
      'model',
      'stream',
      'input',
      'tools',
      'tool_choice',
      'parallel_tool_calls',
      'reasoning',
      'store',
      'include',
      'prompt_cache_key',
    ]);
    expect(body).toMatchObject({
      model: 'gpt-5.5',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: CONVERSATION_ID,
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'high', summary: 'auto' },
    });
    for (const forbidden of ['max_output_tokens', 'max_tokens', 'temperature', 'top_p', 'instructions']) {
      expect(body).not.toHaveProperty(forbidden);
    }
    expect(body.input).toEqual([
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are terse.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hi' }] },
    ]);
    const tools = body.tools as Array<Record<string, unknown>>;
    expect(tools[0]).toEqual({
      type: 'function',
      name: 'get_weather',
      description: 'Weather for a city',
      strict: false,
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    });
    expect(String(tools[1]?.name).length).toBeLessThanOrEqual(64);
    expect(tools[1]?.name).toMatch(/^mcp__notes_server__search_everything/);

    expect(parts[0]).toEqual({
      type: 'stream-start',
      warnings: [
        { type: 'unsupported', feature: 'maxOutputTokens', details: 'The Codex backend does not accept it; not sent.' },
        { type: 'unsupported', feature: 'temperature', details: 'The Codex backend does not accept it; not sent.' },
        { type: 'unsupported', feature: 'topP', details: 'The Codex backend does not accept it; not sent.' },
      ],
    });
  });

  it('should omit reasoning without provider options, and use instructions when asked', async () => {
    const { fetch, requests } = createRecordingFetch(textResponse());
    const { model } = createModel(fetch, { systemMessageMode: 'instructions' });
    await convertStreamToArray((await model.doStream({ prompt })).stream);
    const body = requestBodyOf(requests);
    expect(body).not.toHaveProperty('reasoning');
    expect(Object.keys(body).slice(0, 4)).toEqual(['model', 'stream', 'instructions', 'input']);
    expect(body.instructions).toBe('You are terse.');
    expect(body.input).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hi' }] }]);
  });

  it('should send default instructions when the prompt has no system message', async () => {
    const { fetch, requests } = createRecordingFetch(textResponse());
    await createModel(fetch).model.doStream({ prompt: prompt.slice(1) });
    expect(requestBodyOf(requests).instructions).toBe('You are a helpful assistant.');

    const custom = createRecordingFetch(textResponse());
    await createModel(custom.fetch, { defaultInstructions: 'Answer in French.' }).model.doStream({
      prompt: prompt.slice(1),
    });
    expect(requestBodyOf(custom.requests).instructions).toBe('Answer in French.');
  });

  it('should map long tool names back in tool calls', async () => {
    const shortName = toCodexToolName(LONG_TOOL_NAME);
    expect(shortName.length).toBe(64);
    const lines = readFixtureLines(CODEX_FIXTURES, 'codex-parallel-function-calls').map((line) =>
      line.replaceAll('"get_weather"', `"${shortName}"`),
    );
    const { fetch } = createRecordingFetch(createSseResponse(lines));
    const { stream } = await createModel(fetch).model.doStream({
      prompt,
      tools: [{ type: 'function', name: LONG_TOOL_NAME, inputSchema: { type: 'object' } }],
    });
    const parts = await convertStreamToArray(stream);
    expect(parts.find((part) => part.type === 'tool-call')).toMatchObject({ toolName: LONG_TOOL_NAME });
    expect(parts.find((part) => part.type === 'tool-input-start')).toMatchObject({ toolName: LONG_TOOL_NAME });
  });

  it('should convert history: images, assistant text, reasoning replay, tool calls and results, orphans', async () => {
    const { fetch, requests } = createRecordingFetch(textResponse());
    const { model } = createModel(fetch);
    const { stream } = await model.doStream({
      prompt: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'file', mediaType: 'image/png', data: new Uint8Array([137, 80, 78, 71]) },
            { type: 'file', mediaType: 'image/jpeg', data: new URL('https://images.example/cat.jpg') },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'reasoning',
              text: 'Look at the images',
              providerOptions: { codex: { itemId: 'rs_1', encryptedContent: 'enc-1' } },
            },
            {
              type: 'reasoning',
              text: 'then answer',
              providerOptions: { codex: { itemId: 'rs_1', encryptedContent: 'enc-1' } },
            },
            { type: 'reasoning', text: 'from another provider' },
            { type: 'text', text: 'A cat. Checking the weather.' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              toolName: 'get_weather',
              output: { type: 'json', value: { tempC: 18 } },
            },
            {
              type: 'tool-result',
              toolCallId: 'call_gone',
              toolName: 'get_time',
              output: { type: 'text', value: '12:00' },
            },
          ],
        },
      ],
    });
    const parts = await convertStreamToArray(stream);
    expect(requestBodyOf(requests).input).toEqual([
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are terse.' }] },
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'What is in these?' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw==' },
          { type: 'input_image', image_url: 'https://images.example/cat.jpg' },
        ],
      },
      {
        type: 'reasoning',
        summary: [
          { type: 'summary_text', text: 'Look at the images' },
          { type: 'summary_text', text: 'then answer' },
        ],
        encrypted_content: 'enc-1',
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A cat. Checking the weather.' }] },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"tempC":18}' },
      {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: '[Result of tool get_time (call_gone)]: 12:00' }],
      },
    ]);
    expect(parts[0]).toEqual({
      type: 'stream-start',
      warnings: [
        {
          type: 'compatibility',
          feature: 'orphan tool result',
          details: 'Tool result call_gone has no matching tool call; sent as text.',
        },
      ],
    });
  });

  it('should replay a generated turn (reasoning with encrypted content, tool call) on the next request', async () => {
    const first = createRecordingFetch(createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-handmade-tool-call')));
    const result = await createModel(first.fetch).model.doGenerate({ prompt });
    const second = createRecordingFetch(textResponse());
    await createModel(second.fetch).model.doGenerate({
      prompt: [
        ...prompt,
        toAssistantMessage(result.content),
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_Q7wXk2pLm9N4vB8c',
              toolName: 'get_weather',
              output: { type: 'text', value: 'Sunny, 18°C' },
            },
          ],
        },
      ],
    });
    expect((requestBodyOf(second.requests).input as unknown[]).slice(2)).toEqual([
      {
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'Need the weather tool' }],
        encrypted_content: 'gAAAAABoofDDexampleEncryptedReasoningBlob_0123456789abcdef==',
      },
      { type: 'function_call', call_id: 'call_Q7wXk2pLm9N4vB8c', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_Q7wXk2pLm9N4vB8c', output: 'Sunny, 18°C' },
    ]);
  });
});

describe('Codex errors before the stream', () => {
  it('should refresh once on a 401 and retry with the new token', async () => {
    const { fetch, requests } = createRecordingFetch(
      createJsonResponse({ detail: 'Provided authentication token is expired.' }, { status: 401 }),
      textResponse(),
    );
    const { model, getCredentials } = createModel(fetch);
    const parts = await convertStreamToArray((await model.doStream({ prompt })).stream);
    expect(parts.at(-1)).toMatchObject({ type: 'finish' });
    expect(getCredentials.mock.calls).toEqual([[{}], [{ rejectedAccessToken: 'access-1' }]]);
    expect(requests.map((request) => request.headers.authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(requests[1]?.body).toEqual(requests[0]?.body);
  });

  it('should give up after a second 401', async () => {
    const { fetch, requests } = createRecordingFetch(
      createJsonResponse({ detail: 'Your authentication token has been invalidated.' }, { status: 401 }),
    );
    const { model, getCredentials } = createModel(fetch);
    const error = await catchError(model.doStream({ prompt }));
    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect(getCredentials).toHaveBeenCalledTimes(2);
    expect(requests).toHaveLength(2);
  });

  it('should let ReconnectRequiredError from getCredentials through unchanged', async () => {
    const reconnect = new ReconnectRequiredError({ cause: new Error('refresh_token_reused') });
    const { fetch, requests } = createRecordingFetch(createJsonResponse({ detail: 'expired' }, { status: 401 }));
    const { model, getCredentials } = createModel(fetch);
    getCredentials.mockImplementationOnce(async () => ({ accessToken: 'access-1', accountId: 'acct-abc123' }));
    getCredentials.mockRejectedValueOnce(reconnect);
    await expect(model.doStream({ prompt })).rejects.toBe(reconnect);
    expect(requests).toHaveLength(1);
  });

  it('should turn a {"detail"} 400 into InvalidRequestError with the detail text', async () => {
    const { fetch } = createRecordingFetch(
      createJsonResponse({ detail: 'Unsupported parameter: max_output_tokens' }, { status: 400 }),
    );
    const error = await catchError(createModel(fetch).model.doStream({ prompt }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      message: 'Unsupported parameter: max_output_tokens',
      statusCode: 400,
      isRetryable: false,
      url: 'https://chatgpt.example/backend-api/codex/responses',
    });
  });

  it('should turn a usage_limit_reached 429 into UsageLimitError and report the rate-limit headers', async () => {
    const headers = {
      'x-codex-primary-used-percent': '100',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-after-seconds': '13873',
      'x-codex-primary-reset-at': '1777936568',
      'x-codex-secondary-used-percent': '80',
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-secondary-reset-at': '1778239400',
      'x-codex-active-limit': 'codex',
      'x-codex-plan-type': 'plus',
      'x-codex-credits-has-credits': 'False',
      'x-codex-credits-unlimited': 'FALSE',
      'x-codex-credits-balance': '0',
    };
    const { fetch } = createRecordingFetch(
      createJsonResponse(
        {
          error: {
            type: 'usage_limit_reached',
            message: 'The usage limit has been reached',
            plan_type: 'plus',
            resets_at: 1777936568,
            eligible_promo: null,
            resets_in_seconds: 13872,
          },
        },
        { status: 429, headers },
      ),
    );
    const onRateLimits = vi.fn();
    const error = await catchError(createModel(fetch, { onRateLimits }).model.doStream({ prompt }));
    const snapshot = {
      primary: { usedPercent: 100, windowMinutes: 300, resetsAt: new Date(1777936568 * 1000) },
      secondary: { usedPercent: 80, windowMinutes: 10080, resetsAt: new Date(1778239400 * 1000) },
      credits: { hasCredits: false, unlimited: false, balance: '0' },
      planType: 'plus',
      activeLimit: 'codex',
    };
    expect(error).toBeInstanceOf(UsageLimitError);
    expect(error).toMatchObject({
      code: 'usage_limit_reached',
      resetsAt: new Date(1777936568 * 1000),
      planType: 'plus',
      retryAfterSeconds: 13872,
      rateLimits: snapshot,
      isRetryable: false,
    });
    expect(onRateLimits).toHaveBeenCalledWith(snapshot);
  });

  it('should fall back to resets_in_seconds when resets_at is missing', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-01T00:00:00Z'), toFake: ['Date'] });
    try {
      const { fetch } = createRecordingFetch(
        createJsonResponse({ error: { type: 'usage_limit_reached', resets_in_seconds: 60 } }, { status: 429 }),
      );
      const error = await catchError(createModel(fetch).model.doStream({ prompt }));
      expect(error).toMatchObject({ resetsAt: new Date('2026-11-01T00:01:00Z'), retryAfterSeconds: 60 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('should make a plain 429 retryable with Retry-After', async () => {
    const { fetch } = createRecordingFetch(
      createJsonResponse(
        { error: { type: 'rate_limit_exceeded', message: 'Rate limit reached' } },
        { status: 429, headers: { 'retry-after': '7' } },
      ),
    );
    const error = await catchError(createModel(fetch).model.doStream({ prompt }));
    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterSeconds: 7 });
  });

  it('should make 503 server_is_overloaded and 500 retryable', async () => {
    for (const [status, body] of [
      [503, { error: { code: 'server_is_overloaded', message: 'Our servers are currently overloaded.' } }],
      [500, 'Internal Server Error'],
    ] as const) {
      const { fetch } = createRecordingFetch(createJsonResponse(body, { status }));
      // A deadline shorter than the first backoff: the error comes back without the retries (tested below).
      const error = await catchError(createModel(fetch, { firstByteTimeoutMs: 150 }).model.doStream({ prompt }));
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error).toMatchObject({ statusCode: status, isRetryable: true });
    }
  });

  it('should keep at most 2 kB of an error body', async () => {
    const { fetch } = createRecordingFetch(createJsonResponse('x'.repeat(5000), { status: 502 }));
    const error = (await catchError(createModel(fetch).model.doStream({ prompt }))) as UpstreamApiError;
    expect(error.responseBody?.length).toBeLessThan(2100);
  });

  it('should report the rate-limit snapshot of a successful response', async () => {
    const response = createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-text'), {
      headers: { 'x-codex-primary-used-percent': '12.5', 'x-codex-primary-window-minutes': '300' },
    });
    const { fetch } = createRecordingFetch(response);
    const onRateLimits = vi.fn();
    await createModel(fetch, { onRateLimits }).model.doStream({ prompt });
    expect(onRateLimits).toHaveBeenCalledWith({
      primary: { usedPercent: 12.5, windowMinutes: 300, resetsAt: undefined },
    });
  });

  it('should turn a network failure into UpstreamConnectionError', async () => {
    const fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    };
    const error = await catchError(createModel(fetch).model.doStream({ prompt }));
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect(error).toMatchObject({ isRetryable: true, cause: expect.any(TypeError) });
  });
});

describe('Codex doGenerate', () => {
  it('should aggregate the stream', async () => {
    const { fetch } = createRecordingFetch(
      createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-handmade-reasoning')),
    );
    const result = await createModel(fetch).model.doGenerate({ prompt });
    expect(result.content).toEqual([
      {
        type: 'reasoning',
        text: '**Planning** the greeting',
        providerMetadata: {
          codex: {
            itemId: 'rs_68a1f0c3a1b2819a8c7d6e5f4a3b2c1d',
            encryptedContent: 'gAAAAABoofDDexampleEncryptedReasoningBlob_0123456789abcdef==',
          },
        },
      },
      {
        type: 'reasoning',
        text: '**Answering** briefly',
        providerMetadata: {
          codex: {
            itemId: 'rs_68a1f0c3a1b2819a8c7d6e5f4a3b2c1d',
            encryptedContent: 'gAAAAABoofDDexampleEncryptedReasoningBlob_0123456789abcdef==',
          },
        },
      },
      { type: 'text', text: 'Hi!' },
    ]);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'completed' });
    expect(result.usage.outputTokens).toEqual({ total: 80, text: 16, reasoning: 64 });
    expect(result.response).toMatchObject({ id: 'resp_68a1f0c2d4e8819aa1b2c3d4e5f60718', modelId: 'gpt-5.5' });
  });

  it('should throw an error that happened after output', async () => {
    const { fetch } = createRecordingFetch(
      createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-handmade-error-after-output')),
    );
    await expect(createModel(fetch).model.doGenerate({ prompt })).rejects.toBeInstanceOf(UpstreamApiError);
  });
});

describe('aggregateStream', () => {
  it('should collect tool calls, warnings and errors', async () => {
    const { fetch } = createRecordingFetch(
      createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-parallel-function-calls')),
    );
    const { stream } = await createModel(fetch).model.doStream({ prompt, temperature: 1 });
    const result = await aggregateStream(stream);
    expect(result.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
      ['get_weather', '{"city":"Paris"}'],
      ['get_time', '{"timezone":"Europe/Paris"}'],
    ]);
    expect(result.warnings).toHaveLength(1);
    expect(result.errors).toEqual([]);
    expect(result.finishReason.unified).toBe('tool-calls');
  });
});

describe('issue 18: structured output and images on the Codex backend', () => {
  const schema = {
    type: 'object',
    properties: { tags: { type: 'array', items: { type: 'string' } } },
    required: ['tags'],
    additionalProperties: false,
  } as const;

  it('issue 18: a json responseFormat with a schema becomes a strict json_schema text.format, as --output-schema sends', async () => {
    const { fetch, requests } = createRecordingFetch(textResponse());
    const { model } = createModel(fetch);
    const { stream } = await model.doStream({
      prompt,
      responseFormat: { type: 'json', schema, name: 'tags' },
    });
    await convertStreamToArray(stream);
    expect(requestBodyOf(requests).text).toEqual({
      format: { type: 'json_schema', name: 'tags', strict: true, schema },
    });
  });

  it('issue 18: strictJsonSchema false sends a non-strict format', async () => {
    const { fetch, requests } = createRecordingFetch(textResponse());
    const { model } = createModel(fetch);
    const { stream } = await model.doStream({
      prompt,
      responseFormat: { type: 'json', schema },
      providerOptions: { codex: { strictJsonSchema: false } },
    });
    await convertStreamToArray(stream);
    expect(requestBodyOf(requests).text).toMatchObject({ format: { name: 'output', strict: false } });
  });

  it('issue 18: an image file part becomes an input_image data URL', async () => {
    const { fetch, requests } = createRecordingFetch(textResponse());
    const { model } = createModel(fetch);
    const { stream } = await model.doStream({
      prompt: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'file', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
          ],
        },
      ],
    });
    await convertStreamToArray(stream);
    expect(requestBodyOf(requests).input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'What is this?' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
        ],
      },
    ]);
  });
});
