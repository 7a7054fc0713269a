import type { LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it, vi } from 'vitest';
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
import type { GeminiAuth } from './gemini-auth.ts';
import { createGeminiChatModel, createGeminiEmbeddingModel } from './gemini-chat-model.ts';
import { listGeminiModels } from './list-gemini-models.ts';

const FIXTURES = new URL('./__fixtures__/', import.meta.url);
const BASE_URL = 'https://generativelanguage.example/v1beta';
const SIGNATURE = 'CiQB0e2Kb8x3n5Q1sG9v2dZk7yT4pW6rF0hJ2mL8cN3bV5xA1sDEKfQEB0e2Kb9exampleSignature==';
const prompt: LanguageModelV3Prompt = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: [{ type: 'text', text: 'Say hi' }] },
];

function createModel(fetch: typeof globalThis.fetch, auth: GeminiAuth = { apiKey: 'key-1' }) {
  return createGeminiChatModel({ baseUrl: BASE_URL, modelId: 'gemini-3.5-flash', fetch, auth });
}

function fixtureResponse(name: string, options: SseResponseOptions = {}) {
  // Google separates events with \r\n\r\n and sends no event names.
  return createSseResponse(readFixtureLines(FIXTURES, name), {
    withEventNames: false,
    separator: '\r\n\r\n',
    ...options,
  });
}

async function streamFixture(name: string, options: SseResponseOptions = {}) {
  const { fetch, requests } = createRecordingFetch(fixtureResponse(name, options));
  const { stream } = await createModel(fetch).doStream({ prompt });
  return { parts: await convertStreamToArray(stream), requests };
}

const errorOf = (parts: LanguageModelV3StreamPart[]) => {
  const part = parts.find((candidate) => candidate.type === 'error');
  return part?.type === 'error' ? part.error : undefined;
};

describe('createGeminiChatModel', () => {
  it('should stream text with an API key', async () => {
    const { parts, requests } = await streamFixture('gemini-text');
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'Xb8kaeLrKpOw7M8Py4SXuAk' },
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: 'Hello' },
      { type: 'text-delta', id: '0', delta: ' there' },
      { type: 'text-delta', id: '0', delta: '!' },
      { type: 'text-end', id: '0' },
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'STOP' },
        usage: {
          inputTokens: { total: 8, noCache: 8, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 5, text: 5, reasoning: undefined },
          raw: {
            promptTokenCount: 8,
            candidatesTokenCount: 5,
            totalTokenCount: 13,
            promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }],
          },
        },
        providerMetadata: { google: expect.objectContaining({ promptFeedback: null }) },
      },
    ]);
    expect(requests[0]?.url).toBe(`${BASE_URL}/models/gemini-3.5-flash:streamGenerateContent?alt=sse`);
    expect(requests[0]?.headers['x-goog-api-key']).toBe('key-1');
    expect(requests[0]?.headers.authorization).toBeUndefined();
    expect(requests[0]?.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Say hi' }] }],
      systemInstruction: { parts: [{ text: 'You are terse.' }] },
    });
  });

  it('should stream thoughts as reasoning', async () => {
    const { parts } = await streamFixture('gemini-reasoning');
    expect(parts.slice(2, -1)).toEqual([
      { type: 'reasoning-start', id: '0' },
      { type: 'reasoning-delta', id: '0', delta: '**Greeting the user**\n\n' },
      { type: 'reasoning-delta', id: '0', delta: 'A short hello fits.' },
      { type: 'reasoning-end', id: '0' },
      { type: 'text-start', id: '1', providerMetadata: { google: { thoughtSignature: SIGNATURE } } },
      { type: 'text-delta', id: '1', delta: 'Hi!', providerMetadata: { google: { thoughtSignature: SIGNATURE } } },
      { type: 'text-end', id: '1' },
    ]);
    expect(parts.at(-1)).toMatchObject({
      usage: { inputTokens: { total: 8 }, outputTokens: { total: 52, text: 2, reasoning: 50 } },
    });
  });

  it('should stream a tool call with its thought signature', async () => {
    const { parts } = await streamFixture('gemini-tool-call');
    const metadata = { google: { thoughtSignature: SIGNATURE } };
    const id = expect.any(String);
    expect(parts.slice(2)).toEqual([
      { type: 'tool-input-start', id, toolName: 'get_weather', providerMetadata: metadata },
      { type: 'tool-input-delta', id, delta: '{"city":"Paris"}', providerMetadata: metadata },
      { type: 'tool-input-end', id, providerMetadata: metadata },
      {
        type: 'tool-call',
        toolCallId: id,
        toolName: 'get_weather',
        input: '{"city":"Paris"}',
        providerMetadata: metadata,
      },
      expect.objectContaining({
        type: 'finish',
        finishReason: { unified: 'tool-calls', raw: 'STOP' },
        usage: expect.objectContaining({
          inputTokens: { total: 40, noCache: 8, cacheRead: 32, cacheWrite: undefined },
          outputTokens: { total: 50, text: 12, reasoning: 38 },
        }),
      }),
    ]);
  });

  it('should stream parallel tool calls', async () => {
    const { parts } = await streamFixture('gemini-parallel-tool-calls');
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      expect.objectContaining({ toolName: 'get_weather', input: '{"city":"Paris"}' }),
      expect.objectContaining({ toolName: 'get_time', input: '{"timezone":"Europe/Paris"}' }),
    ]);
  });

  it('should resend a model turn with its thought signatures unchanged', async () => {
    const first = await streamFixture('gemini-parallel-tool-calls');
    const calls = first.parts.flatMap((part) => (part.type === 'tool-call' ? [part] : []));
    const second = createRecordingFetch(fixtureResponse('gemini-text'));
    await convertStreamToArray(
      (
        await createModel(second.fetch).doStream({
          prompt: [
            ...prompt,
            {
              role: 'assistant',
              content: calls.map((call) => ({
                type: 'tool-call' as const,
                toolCallId: call.toolCallId,
                toolName: call.toolName,
                input: JSON.parse(call.input) as unknown,
                ...(call.providerMetadata != null ? { providerOptions: call.providerMetadata } : {}),
              })),
            },
            {
              role: 'tool',
              content: calls.map((call) => ({
                type: 'tool-result' as const,
                toolCallId: call.toolCallId,
                toolName: call.toolName,
                output: { type: 'json' as const, value: { ok: true } },
              })),
            },
          ],
        })
      ).stream,
    );
    const body = second.requests[0]?.body as { contents: unknown[] };
    // The model turn as Gemini sent it: same parts, same args, the signature on the first call only. (The AI SDK
    // adds each call's `id` — the id it generated when Gemini sent none — which the API accepts and echoes.)
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [
        {
          functionCall: { id: calls[0]?.toolCallId, name: 'get_weather', args: { city: 'Paris' } },
          thoughtSignature: SIGNATURE,
        },
        { functionCall: { id: calls[1]?.toolCallId, name: 'get_time', args: { timezone: 'Europe/Paris' } } },
      ],
    });
    expect(body.contents[2]).toMatchObject({
      role: 'user',
      parts: [{ functionResponse: { name: 'get_weather' } }, { functionResponse: { name: 'get_time' } }],
    });
  });

  it('should throw an error chunk that comes before any output', async () => {
    const { fetch } = createRecordingFetch(fixtureResponse('gemini-error-before-output'));
    const error = await catchError(createModel(fetch).doStream({ prompt }));
    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({
      statusCode: 503,
      isRetryable: true,
      message: 'The model is overloaded. Please try again later.',
    });
  });

  it('should forward an error chunk after output as an error part, then finish', async () => {
    const { parts } = await streamFixture('gemini-error-after-output');
    expect(parts.slice(-3).map((part) => part.type)).toEqual(['error', 'text-end', 'finish']);
    expect(errorOf(parts)).toBeInstanceOf(UpstreamApiError);
    expect(errorOf(parts)).toMatchObject({ statusCode: 500, isRetryable: true });
    expect(parts.at(-1)).toMatchObject({ finishReason: { unified: 'error' } });
  });

  it('should catch a bare JSON error written without data: (after and before output)', async () => {
    const bareError =
      '{\n  "error": {\n    "code": 503,\n    "message": "The service is currently unavailable.",\n    "status": "UNAVAILABLE"\n  }\n}\n';
    const lines = readFixtureLines(FIXTURES, 'gemini-text').slice(0, 2);
    const after = createRecordingFetch(
      createSseResponse(lines, { withEventNames: false, separator: '\r\n\r\n', rawTail: [bareError], chunkSize: 16 }),
    );
    const afterParts = await convertStreamToArray((await createModel(after.fetch).doStream({ prompt })).stream);
    expect(errorOf(afterParts)).toMatchObject({ statusCode: 503, message: 'The service is currently unavailable.' });
    expect(afterParts.at(-1)?.type).toBe('finish');

    const before = createRecordingFetch(createSseResponse([], { rawTail: [`[${bareError.trim()}]`] }));
    await expect(createModel(before.fetch).doStream({ prompt })).rejects.toMatchObject({ statusCode: 503 });
  });

  it('should report a stream cut off before its finish reason', async () => {
    const lines = readFixtureLines(FIXTURES, 'gemini-text');
    const cut = createRecordingFetch(createSseResponse(lines.slice(0, 2), { withEventNames: false }));
    const parts = await convertStreamToArray((await createModel(cut.fetch).doStream({ prompt })).stream);
    expect(parts.slice(-3)).toEqual([
      { type: 'text-end', id: '0' },
      { type: 'error', error: expect.any(UpstreamConnectionError) },
      expect.objectContaining({ type: 'finish', finishReason: { unified: 'error', raw: undefined } }),
    ]);

    const nothing = createRecordingFetch(createSseResponse([], { withEventNames: false }));
    await expect(createModel(nothing.fetch).doStream({ prompt })).rejects.toBeInstanceOf(UpstreamConnectionError);
  });

  it('should turn an unparsable chunk into an error part', async () => {
    const { parts } = await streamFixture('gemini-unparsable-chunk');
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'response-metadata',
      'text-start',
      'text-delta',
      'error',
      'text-delta',
      'text-delta',
      'text-end',
      'finish',
    ]);
    expect(errorOf(parts)).toBeInstanceOf(UpstreamProtocolError);
  });

  it('should ignore unknown fields and usage-only chunks', async () => {
    const { parts } = await streamFixture('gemini-unknown-event');
    expect(parts.map((part) => part.type)).toEqual((await streamFixture('gemini-text')).parts.map((part) => part.type));
  });

  it('should keep partial or missing usage undefined', async () => {
    expect((await streamFixture('gemini-partial-usage')).parts.at(-1)).toMatchObject({
      usage: {
        inputTokens: { total: 8, noCache: 8, cacheRead: undefined },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      },
    });
    expect((await streamFixture('gemini-no-usage')).parts.at(-1)).toMatchObject({
      usage: {
        inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      },
    });
  });

  it('should finish a blocked prompt with content-filter', async () => {
    const { parts } = await streamFixture('gemini-blocked-prompt');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'content-filter', raw: 'SAFETY' } });
  });

  it('should send a bearer token instead of an API key on the OAuth path', async () => {
    const getAccessToken = vi.fn(async () => 'ya29.access-token');
    const { fetch, requests } = createRecordingFetch(fixtureResponse('gemini-text'));
    const model = createModel(fetch, { getAccessToken });
    await convertStreamToArray((await model.doStream({ prompt })).stream);
    await catchError(model.doGenerate({ prompt }));
    expect(requests[0]?.headers.authorization).toBe('Bearer ya29.access-token');
    expect(requests[0]?.headers).not.toHaveProperty('x-goog-api-key');
    expect(getAccessToken).toHaveBeenCalledTimes(2);
  });

  it('should let the caller abort', async () => {
    const lines = readFixtureLines(FIXTURES, 'gemini-text').slice(0, 2);
    const { fetch } = createRecordingFetch((request) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(lines.map((line) => `data: ${line}\r\n\r\n`).join('')));
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
});

describe('Gemini HTTP errors', () => {
  const cases = [
    {
      name: 'a per-minute 429 with RetryInfo is retryable after the delay',
      status: 429,
      body: {
        error: {
          code: 429,
          message:
            'You exceeded your current quota, please check your plan and billing details. Please retry in 34.07s.',
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [
                {
                  quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                  quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                  quotaDimensions: { location: 'global', model: 'gemini-3.5-flash' },
                  quotaValue: '10',
                },
              ],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.07s' },
          ],
        },
      },
      errorClass: UpstreamApiError,
      fields: { statusCode: 429, isRetryable: true, retryAfterSeconds: 34.07 },
    },
    {
      name: 'a daily quota is QuotaExceededError',
      status: 429,
      body: [
        {
          error: {
            code: 429,
            message: 'You exceeded your current quota.',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              {
                ' @type': 'type.googleapis.com/google.rpc.QuotaFailure',
                violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', quotaValue: '250' }],
              },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '68940s' },
            ],
          },
        },
      ],
      errorClass: QuotaExceededError,
      fields: {
        code: 'quota_exceeded',
        isRetryable: false,
        quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
        retryAfterSeconds: 68940,
      },
    },
    {
      name: 'a "limit: 0" quota is QuotaExceededError',
      status: 429,
      body: {
        error: {
          code: 429,
          message: 'Quota exceeded for metric: generate_content_free_tier_requests, limit: 0, model: gemini-3-pro',
          status: 'RESOURCE_EXHAUSTED',
        },
      },
      errorClass: QuotaExceededError,
      fields: { isRetryable: false },
    },
    {
      name: 'a 403 keeps Google’s message and is not retryable',
      status: 403,
      body: {
        error: {
          code: 403,
          message: 'Generative Language API has not been used in project 1234 before or it is disabled.',
          status: 'PERMISSION_DENIED',
        },
      },
      errorClass: UpstreamApiError,
      fields: {
        statusCode: 403,
        isRetryable: false,
        message: 'Generative Language API has not been used in project 1234 before or it is disabled.',
      },
    },
    {
      name: 'a 401 is not retryable',
      status: 401,
      body: {
        error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' },
      },
      errorClass: UpstreamApiError,
      fields: { statusCode: 401, isRetryable: false },
    },
    {
      name: 'an invalid API key is not retryable',
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ],
        },
      },
      errorClass: UpstreamApiError,
      fields: { statusCode: 400, isRetryable: false },
    },
    {
      name: 'a validation 400 is InvalidRequestError',
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'Function call is missing a thought_signature in functionCall parts.',
          status: 'INVALID_ARGUMENT',
        },
      },
      errorClass: InvalidRequestError,
      fields: { message: 'Function call is missing a thought_signature in functionCall parts.' },
    },
  ];

  for (const testCase of cases) {
    it(`should map: ${testCase.name}`, async () => {
      const { fetch } = createRecordingFetch(createJsonResponse(testCase.body, { status: testCase.status }));
      const error = await catchError(createModel(fetch).doStream({ prompt }));
      expect(error).toBeInstanceOf(testCase.errorClass);
      expect(error).toMatchObject(testCase.fields);
    });
  }
});

describe('listGeminiModels', () => {
  it('should follow pages and mark chat models', async () => {
    const { fetch, requests } = createRecordingFetch(
      createJsonResponse({
        models: [
          {
            name: 'models/gemini-3.5-flash',
            displayName: 'Gemini 3.5 Flash',
            inputTokenLimit: 1048576,
            outputTokenLimit: 65536,
            supportedGenerationMethods: ['generateContent', 'countTokens'],
            thinking: true,
          },
        ],
        nextPageToken: 'page-2',
      }),
      createJsonResponse({
        models: [{ name: 'models/gemini-embedding-001', supportedGenerationMethods: ['embedContent'] }],
      }),
    );
    const models = await listGeminiModels({ baseUrl: BASE_URL, auth: { getAccessToken: async () => 'ya29.t' }, fetch });
    expect(requests.map((request) => request.url)).toEqual([
      `${BASE_URL}/models?pageSize=1000`,
      `${BASE_URL}/models?pageSize=1000&pageToken=page-2`,
    ]);
    expect(requests[0]?.headers.authorization).toBe('Bearer ya29.t');
    expect(models).toEqual([
      {
        id: 'gemini-3.5-flash',
        displayName: 'Gemini 3.5 Flash',
        inputTokenLimit: 1048576,
        outputTokenLimit: 65536,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
        supportsChat: true,
        thinking: true,
      },
      {
        id: 'gemini-embedding-001',
        displayName: 'gemini-embedding-001',
        inputTokenLimit: undefined,
        outputTokenLimit: undefined,
        supportedGenerationMethods: ['embedContent'],
        supportsChat: false,
        thinking: undefined,
      },
    ]);
  });
});

describe('createGeminiEmbeddingModel', () => {
  it('should embed with an API key', async () => {
    const { fetch, requests } = createRecordingFetch(createJsonResponse({ embedding: { values: [0.5, 0.25] } }));
    const model = createGeminiEmbeddingModel({
      baseUrl: BASE_URL,
      modelId: 'gemini-embedding-001',
      fetch,
      auth: { apiKey: 'key-1' },
    });
    const result = await model.doEmbed({ values: ['hello'] });
    expect(result.embeddings).toEqual([[0.5, 0.25]]);
    expect(requests[0]?.url).toContain('/models/gemini-embedding-001:');
    expect(requests[0]?.headers['x-goog-api-key']).toBe('key-1');
  });
});
