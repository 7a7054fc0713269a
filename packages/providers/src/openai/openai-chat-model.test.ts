import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { aggregateStream } from '../common/aggregate-stream.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { QuotaExceededError } from '../errors/quota-exceeded-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { catchError } from '../test/catch-error.ts';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { createRecordingFetch } from '../test/create-recording-fetch.ts';
import { createJsonResponse, createSseResponse, type SseResponseOptions } from '../test/create-sse-response.ts';
import { readFixtureLines } from '../test/read-fixture-lines.ts';
import { listOpenAiCompatibleModels } from './list-openai-compatible-models.ts';
import { createOpenAiCompatibleChatModel, createOpenAiCompatibleEmbeddingModel } from './openai-chat-model.ts';

const FIXTURES = new URL('./__fixtures__/', import.meta.url);
const BASE_URL = 'https://api.openai.example/v1';
const prompt: LanguageModelV3Prompt = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: [{ type: 'text', text: 'Say hi' }] },
];

function createModel(fetch: typeof globalThis.fetch) {
  return createOpenAiCompatibleChatModel({
    baseUrl: BASE_URL,
    apiKey: 'sk-test-123',
    modelId: 'gpt-4.1-mini',
    fetch,
    providerName: 'openai',
  });
}

function fixtureResponse(name: string, options: SseResponseOptions = {}) {
  return createSseResponse(readFixtureLines(FIXTURES, name), { withEventNames: false, done: true, ...options });
}

async function streamFixture(name: string, options: SseResponseOptions = {}) {
  const { fetch, requests } = createRecordingFetch(fixtureResponse(name, options));
  const { stream } = await createModel(fetch).doStream({ prompt });
  return { parts: await convertStreamToArray(stream), requests };
}

describe('createOpenAiCompatibleChatModel', () => {
  it('should stream text and send the request with usage included', async () => {
    const { parts, requests } = await streamFixture('openai-text');
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      {
        type: 'response-metadata',
        id: 'chatcmpl-Bx7k2QyZ9mN4pL1vR8sT3uW6',
        modelId: 'gpt-4.1-mini-2025-04-14',
        timestamp: new Date(1767000000 * 1000),
      },
      { type: 'text-start', id: 'txt-0' },
      { type: 'text-delta', id: 'txt-0', delta: 'Hello' },
      { type: 'text-delta', id: 'txt-0', delta: ' there' },
      { type: 'text-delta', id: 'txt-0', delta: '!' },
      { type: 'text-end', id: 'txt-0' },
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: expect.objectContaining({
          inputTokens: { total: 19, noCache: 19, cacheRead: 0, cacheWrite: undefined },
          outputTokens: { total: 10, text: 10, reasoning: 0 },
        }),
        providerMetadata: { openai: { acceptedPredictionTokens: 0, rejectedPredictionTokens: 0 } },
      },
    ]);
    expect(requests[0]?.url).toBe(`${BASE_URL}/chat/completions`);
    expect(requests[0]?.headers.authorization).toBe('Bearer sk-test-123');
    expect(requests[0]?.body).toMatchObject({
      model: 'gpt-4.1-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hi' },
      ],
    });
  });

  it('should stream reasoning', async () => {
    const { parts } = await streamFixture('openai-reasoning');
    expect(parts.slice(2, 8).map((part) => ('delta' in part ? [part.type, part.delta] : [part.type]))).toEqual([
      ['reasoning-start'],
      ['reasoning-delta', 'The user '],
      ['reasoning-delta', 'wants a greeting.'],
      ['reasoning-end'],
      ['text-start'],
      ['text-delta', 'Hi'],
    ]);
    expect(parts.at(-1)).toMatchObject({
      usage: {
        inputTokens: { total: 12, noCache: 4, cacheRead: 8 },
        outputTokens: { total: 30, text: 3, reasoning: 27 },
      },
    });
  });

  it('should stream a tool call with its argument deltas', async () => {
    const { parts } = await streamFixture('openai-tool-call');
    expect(parts.slice(2, -1)).toEqual([
      { type: 'tool-input-start', id: 'call_Aa1Bb2Cc3Dd4', toolName: 'get_weather' },
      { type: 'tool-input-delta', id: 'call_Aa1Bb2Cc3Dd4', delta: '{"ci' },
      { type: 'tool-input-delta', id: 'call_Aa1Bb2Cc3Dd4', delta: 'ty":"Pa' },
      { type: 'tool-input-delta', id: 'call_Aa1Bb2Cc3Dd4', delta: 'ris"}' },
      { type: 'tool-input-end', id: 'call_Aa1Bb2Cc3Dd4' },
      { type: 'tool-call', toolCallId: 'call_Aa1Bb2Cc3Dd4', toolName: 'get_weather', input: '{"city":"Paris"}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ finishReason: { unified: 'tool-calls', raw: 'tool_calls' } });
  });

  it('should stream parallel tool calls', async () => {
    const { parts } = await streamFixture('openai-parallel-tool-calls');
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'call_Aa1Bb2Cc3Dd4', toolName: 'get_weather', input: '{"city":"Paris"}' },
      {
        type: 'tool-call',
        toolCallId: 'call_Ee5Ff6Gg7Hh8',
        toolName: 'get_time',
        input: '{"timezone":"Europe/Paris"}',
      },
    ]);
  });

  it('should throw an error chunk that comes before any output', async () => {
    const { fetch } = createRecordingFetch(fixtureResponse('openai-error-before-output'));
    const error = await catchError(createModel(fetch).doStream({ prompt }));
    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({
      statusCode: 500,
      isRetryable: true,
      message: expect.stringContaining('server had an error'),
    });
  });

  it('should forward an error chunk after output as an error part, then finish', async () => {
    const { parts } = await streamFixture('openai-error-after-output');
    expect(parts.slice(-3)).toEqual([
      { type: 'error', error: expect.any(UpstreamApiError) },
      { type: 'text-end', id: 'txt-0' },
      expect.objectContaining({ type: 'finish', finishReason: { unified: 'error', raw: undefined } }),
    ]);
    const error = parts.find((part) => part.type === 'error');
    expect(error?.type === 'error' && error.error).toMatchObject({ statusCode: 429, retryAfterSeconds: 2.5 });
  });

  it('should turn an unparsable chunk into an error part', async () => {
    const { parts } = await streamFixture('openai-unparsable-chunk');
    const errors = parts.filter((part) => part.type === 'error');
    expect(errors).toEqual([{ type: 'error', error: expect.any(UpstreamProtocolError) }]);
    expect(parts.at(-1)?.type).toBe('finish');
  });

  it('should ignore comments, chunks without choices and unknown fields', async () => {
    const expected = (await streamFixture('openai-text')).parts;
    expect((await streamFixture('openai-unknown-event')).parts).toEqual(expected);
  });

  it('should keep partial or missing usage undefined', async () => {
    const partial = (await streamFixture('openai-partial-usage')).parts.at(-1);
    expect(partial).toMatchObject({
      usage: {
        inputTokens: { total: 19, noCache: 19, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      },
    });
    const missing = (await streamFixture('openai-no-usage')).parts.at(-1);
    expect(missing).toMatchObject({
      usage: {
        inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      },
    });
  });

  it('should report a stream cut off before its finish reason', async () => {
    const lines = readFixtureLines(FIXTURES, 'openai-text');
    const cut = createRecordingFetch(createSseResponse(lines.slice(0, 3), { withEventNames: false }));
    const parts = await convertStreamToArray((await createModel(cut.fetch).doStream({ prompt })).stream);
    expect(parts.slice(-3)).toEqual([
      { type: 'text-end', id: 'txt-0' },
      { type: 'error', error: expect.any(UpstreamConnectionError) },
      expect.objectContaining({ type: 'finish', finishReason: { unified: 'error', raw: undefined } }),
    ]);

    const nothing = createRecordingFetch(createSseResponse(lines.slice(0, 1), { withEventNames: false }));
    await expect(createModel(nothing.fetch).doStream({ prompt })).rejects.toBeInstanceOf(UpstreamConnectionError);
  });

  it('should end with an error part and a finish when the connection drops after output', async () => {
    const lines = readFixtureLines(FIXTURES, 'openai-text').slice(0, 3);
    const fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(lines.map((line) => `data: ${line}\n\n`).join('')));
            setTimeout(() => controller.error(new TypeError('terminated')), 5);
          },
        }),
      );
    const parts = await convertStreamToArray((await createModel(fetch).doStream({ prompt })).stream);
    expect(parts.slice(-2)).toEqual([
      { type: 'error', error: expect.any(UpstreamConnectionError) },
      expect.objectContaining({ type: 'finish', finishReason: { unified: 'error', raw: undefined } }),
    ]);
  });

  it('should map HTTP errors to our classes', async () => {
    const cases = [
      [
        createJsonResponse(
          {
            error: {
              message: "Invalid value for 'temperature'",
              type: 'invalid_request_error',
              param: 'temperature',
              code: null,
            },
          },
          { status: 400 },
        ),
        InvalidRequestError,
        { message: "Invalid value for 'temperature'", isRetryable: false },
      ],
      [
        createJsonResponse(
          { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
          { status: 429, headers: { 'retry-after-ms': '1500' } },
        ),
        UpstreamApiError,
        { statusCode: 429, isRetryable: true, retryAfterSeconds: 1.5 },
      ],
      [
        createJsonResponse(
          {
            error: {
              message: 'You exceeded your current quota',
              type: 'insufficient_quota',
              code: 'insufficient_quota',
            },
          },
          { status: 429 },
        ),
        QuotaExceededError,
        { isRetryable: false },
      ],
      [
        createJsonResponse(
          { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } },
          { status: 401 },
        ),
        UpstreamApiError,
        { statusCode: 401, isRetryable: false },
      ],
      [
        createJsonResponse('<html>Bad gateway</html>', { status: 502 }),
        UpstreamApiError,
        { statusCode: 502, isRetryable: true },
      ],
    ] as const;
    for (const [response, errorClass, fields] of cases) {
      const { fetch } = createRecordingFetch(response);
      const error = await catchError(createModel(fetch).doStream({ prompt }));
      expect(error).toBeInstanceOf(errorClass);
      expect(error).toMatchObject(fields);
      const generateError = await catchError(createModel(createRecordingFetch(response).fetch).doGenerate({ prompt }));
      expect(generateError).toBeInstanceOf(errorClass);
    }
  });

  it('should turn a network failure into UpstreamConnectionError', async () => {
    const fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    };
    await expect(createModel(fetch).doStream({ prompt })).rejects.toBeInstanceOf(UpstreamConnectionError);
  });

  it('should let the caller abort', async () => {
    const lines = readFixtureLines(FIXTURES, 'openai-text').slice(0, 3);
    const { fetch } = createRecordingFetch((request) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(lines.map((line) => `data: ${line}\n\n`).join('')));
          request.signal?.addEventListener('abort', () => controller.error(request.signal?.reason));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const controller = new AbortController();
    const { stream } = await createModel(fetch).doStream({ prompt, abortSignal: controller.signal });
    const reader = stream.getReader();
    for (let index = 0; index < 4; index++) await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('should aggregate for non-streaming callers', async () => {
    const { fetch } = createRecordingFetch(fixtureResponse('openai-parallel-tool-calls'));
    const { stream } = await createModel(fetch).doStream({ prompt });
    const result = await aggregateStream(stream);
    expect(result.toolCalls.map((call) => call.toolName)).toEqual(['get_weather', 'get_time']);
    expect(result.finishReason.unified).toBe('tool-calls');
    expect(result.response.id).toBe('chatcmpl-Bx7k2QyZ9mN4pL1vR8sT3uW6');
  });
});

describe('listOpenAiCompatibleModels', () => {
  it('should list models', async () => {
    const { fetch, requests } = createRecordingFetch(
      createJsonResponse({
        object: 'list',
        data: [
          { id: 'gpt-4.1-mini', object: 'model', created: 1744316542, owned_by: 'system' },
          { id: 'text-embedding-3-small', object: 'model', created: 1705948997, owned_by: 'system' },
        ],
      }),
    );
    const models = await listOpenAiCompatibleModels({ baseUrl: `${BASE_URL}/`, apiKey: 'sk-test-123', fetch });
    expect(requests[0]?.url).toBe(`${BASE_URL}/models`);
    expect(requests[0]?.headers.authorization).toBe('Bearer sk-test-123');
    expect(models).toEqual([
      { id: 'gpt-4.1-mini', displayName: 'gpt-4.1-mini', ownedBy: 'system', created: new Date(1744316542 * 1000) },
      {
        id: 'text-embedding-3-small',
        displayName: 'text-embedding-3-small',
        ownedBy: 'system',
        created: new Date(1705948997 * 1000),
      },
    ]);
  });

  it('should map a rejected key', async () => {
    const { fetch } = createRecordingFetch(
      createJsonResponse({ error: { message: 'Incorrect API key provided' } }, { status: 401 }),
    );
    const error = await catchError(listOpenAiCompatibleModels({ baseUrl: BASE_URL, apiKey: 'bad', fetch }));
    expect(error).toMatchObject({
      statusCode: 401,
      isRetryable: false,
      message: expect.stringContaining('Incorrect API key'),
    });
  });
});

describe('createOpenAiCompatibleEmbeddingModel', () => {
  it('should embed and map errors', async () => {
    const { fetch, requests } = createRecordingFetch(
      createJsonResponse({
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 2, total_tokens: 2 },
      }),
      createJsonResponse({ error: { message: 'Rate limit reached' } }, { status: 429 }),
    );
    const model = createOpenAiCompatibleEmbeddingModel({
      baseUrl: BASE_URL,
      apiKey: 'sk-test-123',
      modelId: 'text-embedding-3-small',
      fetch,
      providerName: 'openai',
    });
    const result = await model.doEmbed({ values: ['hello'] });
    expect(result.embeddings).toEqual([[0.1, -0.2, 0.3]]);
    expect(requests[0]?.url).toBe(`${BASE_URL}/embeddings`);
    await expect(model.doEmbed({ values: ['hello'] })).rejects.toBeInstanceOf(UpstreamApiError);
  });
});
