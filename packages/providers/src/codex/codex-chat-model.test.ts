import { readdirSync } from 'node:fs';
import type { LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it, vi } from 'vitest';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { UsageLimitError } from '../errors/usage-limit-error.ts';
import { catchError } from '../test/catch-error.ts';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { createRecordingFetch } from '../test/create-recording-fetch.ts';
import { createSseResponse, type SseResponseOptions } from '../test/create-sse-response.ts';
import { CODEX_FIXTURES, readFixtureLines } from '../test/read-fixture-lines.ts';
import { createCodexChatModel } from './codex-chat-model.ts';
import type { CodexChatModelSettings } from './codex-options.ts';

const RESPONSE_ID = 'resp_68a1f0c2d4e8819aa1b2c3d4e5f60718';
const MESSAGE_ID = 'msg_68a1f0c3e5f0819a9f8e7d6c5b4a3928';
const REASONING_ID = 'rs_68a1f0c3a1b2819a8c7d6e5f4a3b2c1d';
const ENCRYPTED = 'gAAAAABoofDDexampleEncryptedReasoningBlob_0123456789abcdef==';
const CALL_1 = 'call_Q7wXk2pLm9N4vB8c';
const CALL_2 = 'call_R8xYl3qMn0O5wC9d';
const FUNCTION_CALL_1 = 'fc_68a1f0c4b2c3819a0a1b2c3d4e5f6071';
const FUNCTION_CALL_2 = 'fc_68a1f0c4c3d4819a1b2c3d4e5f607182';
const CONVERSATION_ID = '01a209a7-7fb3-7f32-aa02-2b7ce5753d0d';

const prompt: LanguageModelV3Prompt = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: [{ type: 'text', text: 'Say hi' }] },
];

function createModel(fetch: typeof globalThis.fetch, overrides: Partial<CodexChatModelSettings> = {}) {
  const getCredentials = vi.fn<CodexChatModelSettings['getCredentials']>(async () => ({
    accessToken: 'access-1',
    accountId: 'acct-abc123',
  }));
  const model = createCodexChatModel({
    modelId: 'gpt-5.5',
    baseUrl: 'https://chatgpt.example/backend-api',
    fetch,
    getCredentials,
    conversationId: CONVERSATION_ID,
    originator: 'pag_gateway',
    userAgent: 'pag_gateway/0.1.0',
    ...overrides,
  });
  return { model, getCredentials };
}

function fixtureResponse(name: string, options: SseResponseOptions = {}) {
  return createSseResponse(readFixtureLines(CODEX_FIXTURES, name), options);
}

async function streamFixture(name: string, options: SseResponseOptions = {}) {
  const { fetch, requests } = createRecordingFetch(fixtureResponse(name, options));
  const { model } = createModel(fetch);
  const result = await model.doStream({ prompt });
  return { parts: await convertStreamToArray(result.stream), requests, result };
}

const metadataPart: LanguageModelV3StreamPart = {
  type: 'response-metadata',
  id: RESPONSE_ID,
  modelId: 'gpt-5.5',
  timestamp: new Date(1767000000 * 1000),
};

const textParts = (deltas: string[], id = MESSAGE_ID): LanguageModelV3StreamPart[] => [
  { type: 'text-start', id },
  ...deltas.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id, delta })),
  { type: 'text-end', id },
];

const fullUsage = {
  inputTokens: { total: 1200, noCache: 176, cacheRead: 1024, cacheWrite: undefined },
  outputTokens: { total: 80, text: 16, reasoning: 64 },
  raw: {
    input_tokens: 1200,
    input_tokens_details: { cached_tokens: 1024 },
    output_tokens: 80,
    output_tokens_details: { reasoning_tokens: 64 },
    total_tokens: 1280,
  },
};

const finishMetadata = { codex: { responseId: RESPONSE_ID } };

describe('createCodexChatModel doStream', () => {
  it('should stream text', async () => {
    const { parts } = await streamFixture('codex-handmade-text');
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      metadataPart,
      ...textParts(['Hel', 'lo', ' there', '!']),
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'completed' },
        usage: {
          inputTokens: { total: 24, noCache: 24, cacheRead: 0, cacheWrite: undefined },
          outputTokens: { total: 6, text: 6, reasoning: 0 },
          raw: {
            input_tokens: 24,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: 6,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: 30,
          },
        },
        providerMetadata: finishMetadata,
      },
    ]);
  });

  it('should stream reasoning summaries with the encrypted content on reasoning-end', async () => {
    const { parts } = await streamFixture('codex-handmade-reasoning');
    const start = { codex: { itemId: REASONING_ID } };
    const end = { codex: { itemId: REASONING_ID, encryptedContent: ENCRYPTED } };
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      metadataPart,
      { type: 'reasoning-start', id: `${REASONING_ID}:0`, providerMetadata: start },
      { type: 'reasoning-delta', id: `${REASONING_ID}:0`, delta: '**Planning** ' },
      { type: 'reasoning-delta', id: `${REASONING_ID}:0`, delta: 'the greeting' },
      { type: 'reasoning-start', id: `${REASONING_ID}:1`, providerMetadata: start },
      { type: 'reasoning-delta', id: `${REASONING_ID}:1`, delta: '**Answering** ' },
      { type: 'reasoning-delta', id: `${REASONING_ID}:1`, delta: 'briefly' },
      { type: 'reasoning-end', id: `${REASONING_ID}:0`, providerMetadata: end },
      { type: 'reasoning-end', id: `${REASONING_ID}:1`, providerMetadata: end },
      ...textParts(['Hi', '!']),
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'completed' },
        usage: fullUsage,
        providerMetadata: finishMetadata,
      },
    ]);
  });

  it('should stream a tool call with its argument deltas', async () => {
    const { parts } = await streamFixture('codex-handmade-tool-call');
    expect(parts.filter((part) => !part.type.startsWith('reasoning'))).toEqual([
      { type: 'stream-start', warnings: [] },
      metadataPart,
      { type: 'tool-input-start', id: CALL_1, toolName: 'get_weather' },
      { type: 'tool-input-delta', id: CALL_1, delta: '{"city"' },
      { type: 'tool-input-delta', id: CALL_1, delta: ':"Pa' },
      { type: 'tool-input-delta', id: CALL_1, delta: 'ris"}' },
      { type: 'tool-input-end', id: CALL_1 },
      {
        type: 'tool-call',
        toolCallId: CALL_1,
        toolName: 'get_weather',
        input: '{"city":"Paris"}',
        providerMetadata: { codex: { itemId: FUNCTION_CALL_1 } },
      },
      {
        type: 'finish',
        finishReason: { unified: 'tool-calls', raw: 'completed' },
        usage: expect.objectContaining({
          inputTokens: { total: 310, noCache: 54, cacheRead: 256, cacheWrite: undefined },
          outputTokens: { total: 42, text: 26, reasoning: 16 },
        }),
        providerMetadata: finishMetadata,
      },
    ]);
  });

  it('should stream parallel tool calls, including one that arrives without deltas', async () => {
    const { parts } = await streamFixture('codex-handmade-parallel-tool-calls');
    expect(parts.slice(2, -1)).toEqual([
      { type: 'tool-input-start', id: CALL_1, toolName: 'get_weather' },
      { type: 'tool-input-delta', id: CALL_1, delta: '{"city":' },
      { type: 'tool-input-delta', id: CALL_1, delta: '"Paris"}' },
      { type: 'tool-input-end', id: CALL_1 },
      {
        type: 'tool-call',
        toolCallId: CALL_1,
        toolName: 'get_weather',
        input: '{"city":"Paris"}',
        providerMetadata: { codex: { itemId: FUNCTION_CALL_1 } },
      },
      { type: 'tool-input-start', id: CALL_2, toolName: 'get_time' },
      { type: 'tool-input-delta', id: CALL_2, delta: '{"timezone":"Europe/Paris"}' },
      { type: 'tool-input-end', id: CALL_2 },
      {
        type: 'tool-call',
        toolCallId: CALL_2,
        toolName: 'get_time',
        input: '{"timezone":"Europe/Paris"}',
        providerMetadata: { codex: { itemId: FUNCTION_CALL_2 } },
      },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'completed' } });
  });

  it('should build the output from output_item.done when response.completed.output is empty', async () => {
    const { parts } = await streamFixture('codex-handmade-empty-completed-output');
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'response-metadata',
      'reasoning-start',
      'reasoning-delta',
      'reasoning-end',
      'text-start',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-end',
      'finish',
    ]);
  });

  it('should not depend on the content type, nor on how the body is cut into reads', async () => {
    const expected = (await streamFixture('codex-text')).parts;
    expect((await streamFixture('codex-text', { contentType: null })).parts).toEqual(expected);
    expect((await streamFixture('codex-text', { chunkSize: 7 })).parts).toEqual(expected);
    expect((await streamFixture('codex-text', { withEventNames: false })).parts).toEqual(expected);
  });

  it('should ignore unknown events and item types', async () => {
    const { parts } = await streamFixture('codex-handmade-unknown-event');
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      metadataPart,
      ...textParts(['Hel', 'lo', ' there', '!']),
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'completed' },
        usage: fullUsage,
        providerMetadata: finishMetadata,
      },
    ]);
  });

  it('should turn an unparsable chunk after output into an error part and go on', async () => {
    const { parts } = await streamFixture('codex-handmade-unparsable-chunk');
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'response-metadata',
      'text-start',
      'text-delta',
      'error',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-end',
      'finish',
    ]);
    const error = parts.find((part) => part.type === 'error');
    expect(error?.type === 'error' && error.error).toBeInstanceOf(UpstreamProtocolError);
  });

  it('should throw an unparsable chunk that comes before any output', async () => {
    const lines = readFixtureLines(CODEX_FIXTURES, 'codex-text');
    const { fetch } = createRecordingFetch(
      createSseResponse([lines[0] ?? '', '{"type":"response.output_text.delta",', ...lines.slice(1)]),
    );
    await expect(createModel(fetch).model.doStream({ prompt })).rejects.toBeInstanceOf(UpstreamProtocolError);
  });

  it('should report partial usage as undefined fields', async () => {
    const { parts } = await streamFixture('codex-handmade-partial-usage');
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'completed' },
      usage: {
        inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: 2, text: 2, reasoning: undefined },
        raw: { input_tokens: 12, output_tokens: 2, total_tokens: 14 },
      },
      providerMetadata: finishMetadata,
    });
  });

  it('should report missing usage as undefined fields', async () => {
    const { parts } = await streamFixture('codex-handmade-no-usage');
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'completed' },
      usage: {
        inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      },
      providerMetadata: finishMetadata,
    });
  });

  it('should map response.incomplete to a length finish', async () => {
    const { parts } = await streamFixture('codex-handmade-incomplete');
    expect(parts.slice(-2)).toEqual([
      { type: 'text-end', id: MESSAGE_ID },
      expect.objectContaining({ type: 'finish', finishReason: { unified: 'length', raw: 'max_output_tokens' } }),
    ]);
  });

  it('issue 14: should map an incomplete response cut by the content filter to a content-filter finish', async () => {
    const lines = readFixtureLines(CODEX_FIXTURES, 'codex-incomplete').map((line) =>
      line.replace('"reason":"max_output_tokens"', '"reason":"content_filter"'),
    );
    const { fetch } = createRecordingFetch(createSseResponse(lines));
    const parts = await convertStreamToArray((await createModel(fetch).model.doStream({ prompt })).stream);

    expect(parts.filter((part) => part.type === 'error')).toEqual([]);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'content-filter', raw: 'content_filter' },
    });
  });

  it.each(['interrupted', 'max_tool_calls'])(
    'issue 14: should fail an incomplete response for another reason (%s) with a typed error, not an "other" finish',
    async (reason) => {
      const lines = readFixtureLines(CODEX_FIXTURES, 'codex-handmade-incomplete').map((line) =>
        line.replace('"reason":"max_output_tokens"', `"reason":"${reason}"`),
      );
      const { fetch } = createRecordingFetch(createSseResponse(lines));
      const parts = await convertStreamToArray((await createModel(fetch).model.doStream({ prompt })).stream);

      const errors = parts.flatMap((part) => (part.type === 'error' ? [part.error] : []));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(UpstreamApiError);
      expect(errors[0]).toMatchObject({
        statusCode: 502,
        isRetryable: true,
        message: `Incomplete response returned, reason: ${reason}`,
      });
      expect(parts.at(-1)).toMatchObject({
        type: 'finish',
        finishReason: { unified: 'error', raw: reason },
        usage: { outputTokens: { total: 4 } },
      });
    },
  );

  it('issue 14: should throw an incomplete response for another reason that comes before any output', async () => {
    const lines = readFixtureLines(CODEX_FIXTURES, 'codex-incomplete')
      .filter((line) => !line.includes('"response.output_'))
      .map((line) => line.replace('"reason":"max_output_tokens"', '"reason":"interrupted"'));
    const { fetch } = createRecordingFetch(createSseResponse(lines));

    const error = await catchError(createModel(fetch).model.doStream({ prompt }));

    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({ statusCode: 502, message: 'Incomplete response returned, reason: interrupted' });
  });

  it('should throw an error event that comes before any output', async () => {
    const { fetch } = createRecordingFetch(fixtureResponse('codex-error-event'));
    const error = await catchError(createModel(fetch).model.doStream({ prompt }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      code: 'invalid_request',
      isRetryable: false,
      message: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
    });
  });

  it('should throw an in-stream rate limit as a retryable 429 with the parsed delay', async () => {
    const { fetch } = createRecordingFetch(fixtureResponse('codex-failed-rate-limit'));
    const error = await catchError(createModel(fetch).model.doStream({ prompt }));
    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterSeconds: 11.054 });
  });

  it('should throw an in-stream usage limit as UsageLimitError', async () => {
    const { fetch } = createRecordingFetch(fixtureResponse('codex-handmade-usage-limit-in-stream'));
    const error = await catchError(createModel(fetch).model.doStream({ prompt }));
    expect(error).toBeInstanceOf(UsageLimitError);
    expect(error).toMatchObject({
      code: 'usage_limit_reached',
      resetsAt: new Date(1777936568 * 1000),
      planType: 'plus',
      retryAfterSeconds: 13872,
      isRetryable: false,
    });
  });

  it('should forward a failure after output as an error part, then finish', async () => {
    const { parts } = await streamFixture('codex-handmade-error-after-output');
    expect(parts.slice(2)).toEqual([
      ...textParts(['Partial ', 'answer']),
      { type: 'error', error: expect.any(UpstreamApiError) },
      {
        type: 'finish',
        finishReason: { unified: 'error', raw: 'server_error' },
        usage: {
          inputTokens: { total: 50, noCache: 50, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 3, text: 3, reasoning: undefined },
          raw: { input_tokens: 50, output_tokens: 3, total_tokens: 53 },
        },
        providerMetadata: finishMetadata,
      },
    ]);
    const error = parts.find((part) => part.type === 'error');
    expect(error?.type === 'error' && error.error).toMatchObject({ statusCode: 500, isRetryable: true });
  });

  it('should end a stream that stops before its terminal event with an error part', async () => {
    const { parts } = await streamFixture('codex-handmade-disconnect');
    expect(parts.slice(-3)).toEqual([
      { type: 'text-end', id: MESSAGE_ID },
      { type: 'error', error: expect.any(UpstreamConnectionError) },
      expect.objectContaining({ type: 'finish', finishReason: { unified: 'error', raw: 'failed' } }),
    ]);
  });

  it('should throw when the stream stops before any output', async () => {
    const { fetch } = createRecordingFetch(fixtureResponse('codex-handmade-disconnect-before-output'));
    await expect(createModel(fetch).model.doStream({ prompt })).rejects.toBeInstanceOf(UpstreamConnectionError);
  });

  it('should emit raw chunks when asked', async () => {
    const { fetch } = createRecordingFetch(fixtureResponse('codex-text'));
    const { stream } = await createModel(fetch).model.doStream({ prompt, includeRawChunks: true });
    const parts = await convertStreamToArray(stream);
    expect(parts.filter((part) => part.type === 'raw')).toHaveLength(
      readFixtureLines(CODEX_FIXTURES, 'codex-text').length,
    );
  });

  // Issue 22: a `response.in_progress` after the answer's metadata is skipped without being parsed, unless raw chunks
  // are asked for. Every recorded stream must give the same parts either way (raw chunks aside), errors included.
  const recordedStreams = readdirSync(CODEX_FIXTURES)
    .filter((name) => name.endsWith('.chunks.txt'))
    .map((name) => name.replace(/\.chunks\.txt$/, ''));
  it.each(recordedStreams)(
    'issue 22: gives the same parts for %s whether in-progress events are parsed or not',
    async (name) => {
      const run = async (includeRawChunks: boolean) => {
        const { fetch } = createRecordingFetch(fixtureResponse(name));
        try {
          const { stream } = await createModel(fetch).model.doStream({ prompt, includeRawChunks });
          return (await convertStreamToArray(stream)).filter((part) => part.type !== 'raw');
        } catch (error) {
          return error;
        }
      };
      expect(await run(false)).toEqual(await run(true));
    },
  );

  it('issue 22: still reads the metadata from an in-progress event when the created event is missing', async () => {
    const lines = readFixtureLines(CODEX_FIXTURES, 'codex-text').filter((line) => !line.includes('"response.created"'));
    expect(lines[0]).toContain('"type":"response.in_progress"');
    const { fetch } = createRecordingFetch(createSseResponse(lines));
    const { stream } = await createModel(fetch).model.doStream({ prompt });
    const parts = await convertStreamToArray(stream);
    expect(parts.find((part) => part.type === 'response-metadata')).toMatchObject({ type: 'response-metadata' });
  });
});
