import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { isOutputPart } from '../common/is-output-part.ts';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { createRecordingFetch } from '../test/create-recording-fetch.ts';
import { createSseResponse } from '../test/create-sse-response.ts';
import { readFixtureLines } from '../test/read-fixture-lines.ts';
import { convertOpenAiUsage } from './convert-openai-usage.ts';
import { createOpenAiCompatibleChatModel } from './openai-chat-model.ts';

/**
 * Our OpenAI-compatible chat model is written from the protocol (docs/openai-compatible-protocol.md); the AI SDK's
 * openai-compatible model, which it replaced, is the oracle: both get the same calls and the same recorded streams,
 * through their public `doStream` only, and must agree — on the request body, and on the parts up to the
 * differences listed here, each one on purpose.
 */
const FIXTURES = new URL('./__fixtures__/', import.meta.url);
const BASE_URL = 'https://api.openai.example/v1';

function sdkModel(fetch: typeof globalThis.fetch) {
  return createOpenAICompatible({
    name: 'openai',
    baseURL: BASE_URL,
    apiKey: 'sk-test',
    fetch,
    includeUsage: true,
    convertUsage: convertOpenAiUsage,
    supportsStructuredOutputs: true,
  }).chatModel('gpt-test');
}

function ourModel(fetch: typeof globalThis.fetch) {
  return createOpenAiCompatibleChatModel({
    baseUrl: BASE_URL,
    apiKey: 'sk-test',
    modelId: 'gpt-test',
    fetch,
    providerName: 'openai',
  });
}

const fixtures = readdirSync(fileURLToPath(FIXTURES))
  .filter((file) => file.endsWith('.chunks.txt'))
  .map((file) => file.replace(/\.chunks\.txt$/, ''));

/** Each side's parts with what may differ by design made comparable. */
function comparable(parts: LanguageModelV3StreamPart[]) {
  return parts.map((part) => {
    // Error classes differ (the SDK streams raw error objects and its own classes; ours are mapped): that there is
    // an error part, and where, is what must agree. The finish reason's `raw` is kept.
    if (part.type === 'error') return { type: 'error' };
    return part;
  });
}

type StreamOutcome = { parts: LanguageModelV3StreamPart[] } | { thrown: unknown };

async function streamBoth(name: string, call: LanguageModelV3CallOptions) {
  const respond = () => createSseResponse(readFixtureLines(FIXTURES, name), { withEventNames: false, done: true });
  const sdk = createRecordingFetch(respond);
  const ours = createRecordingFetch(respond);
  const run = async (model: ReturnType<typeof ourModel>): Promise<StreamOutcome> => {
    try {
      return { parts: await convertStreamToArray((await model.doStream(call)).stream) };
    } catch (error) {
      return { thrown: error };
    }
  };
  return { sdk: await run(sdkModel(sdk.fetch)), ours: await run(ourModel(ours.fetch)) };
}

const PROMPT_ONLY: LanguageModelV3CallOptions = { prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };

describe('issue 22: our OpenAI-compatible chat model against the AI SDK as oracle', () => {
  it('reads the recorded streams', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of fixtures) {
    it(`issue 22: ${name} gives the parts the SDK gives`, async () => {
      const { sdk, ours } = await streamBoth(name, PROMPT_ONLY);
      if (!('parts' in sdk)) throw sdk.thrown;
      const firstError = sdk.parts.findIndex((part) => part.type === 'error');
      if (firstError !== -1 && !sdk.parts.slice(0, firstError).some(isOutputPart)) {
        // On purpose: an error before any output is thrown by ours (the contract of every adapter,
        // startPartStream), so the caller can still choose the status or fail over; the SDK streams it.
        expect(ours).toHaveProperty('thrown');
        return;
      }
      if (!('parts' in ours)) throw ours.thrown;
      // On purpose: ours ends a tool call when the next one begins (calls are streamed one after another), the SDK
      // at the end of the stream; every part is the same, and so is the order of all but those.
      const isCallEnd = (part: LanguageModelV3StreamPart) =>
        part.type === 'tool-input-end' || part.type === 'tool-call';
      expect(comparable(ours.parts.filter((part) => !isCallEnd(part)))).toEqual(
        comparable(sdk.parts.filter((part) => !isCallEnd(part))),
      );
      expect(ours.parts.filter(isCallEnd)).toEqual(sdk.parts.filter(isCallEnd));
    });
  }

  it('issue 22: ours ends a streamed tool call as soon as the next one begins', async () => {
    const { ours } = await streamBoth('openai-parallel-tool-calls', PROMPT_ONLY);
    if (!('parts' in ours)) throw ours.thrown;
    const types = ours.parts.map((part) => ('toolName' in part ? `${part.type}:${part.toolName}` : part.type));
    expect(types.indexOf('tool-call:get_weather')).toBeLessThan(types.indexOf('tool-input-start:get_time'));
  });

  it('issue 22: the SDK and ours agree on a stream whose tool call names its tool after its id', async () => {
    const lines = [
      '{"id":"c1","model":"m","created":1,"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"arguments":""}}]}}]}',
      '{"id":"c1","model":"m","created":1,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"get_time","arguments":"{\\"tz\\":"}}]}}]}',
      '{"id":"c1","model":"m","created":1,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"UTC\\"}"}}]}}]}',
      '{"id":"c1","model":"m","created":1,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}',
    ];
    const respond = () => createSseResponse(lines, { withEventNames: false, done: true });
    const sdkParts = await convertStreamToArray(
      (await sdkModel(createRecordingFetch(respond).fetch).doStream(PROMPT_ONLY)).stream,
    );
    const ourParts = await convertStreamToArray(
      (await ourModel(createRecordingFetch(respond).fetch).doStream(PROMPT_ONLY)).stream,
    );
    expect(comparable(ourParts)).toEqual(comparable(sdkParts));
    expect(ourParts).toContainEqual({
      type: 'tool-call',
      toolCallId: 'call_1',
      toolName: 'get_time',
      input: '{"tz":"UTC"}',
    });
  });

  const calls: Array<[string, LanguageModelV3CallOptions]> = [
    [
      'a system and a one-text user message',
      { prompt: [{ role: 'system', content: 'Be terse.' }, ...PROMPT_ONLY.prompt] },
    ],
    [
      'user content of several parts: text, an image by URL and by bytes, a PDF, audio, a text file',
      {
        prompt: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look' },
              { type: 'file', mediaType: 'image/png', data: new URL('https://img.example/a.png') },
              { type: 'file', mediaType: 'image/*', data: new Uint8Array([1, 2, 3]) },
              { type: 'file', mediaType: 'application/pdf', data: 'JVBERi0=', filename: 'a.pdf' },
              { type: 'file', mediaType: 'audio/mpeg', data: new Uint8Array([9, 8]) },
              { type: 'file', mediaType: 'text/plain', data: Buffer.from('plain words').toString('base64') },
            ],
          },
        ],
      },
    ],
    [
      'an assistant turn with text and tool calls, and every kind of tool result',
      {
        prompt: [
          ...PROMPT_ONLY.prompt,
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me check. ' },
              { type: 'tool-call', toolCallId: 'call_a', toolName: 'lookup', input: { q: 'x' } },
              { type: 'tool-call', toolCallId: 'call_b', toolName: 'lookup', input: '{"q":"y"}' },
              { type: 'tool-call', toolCallId: 'call_c', toolName: 'lookup', input: 'not json' },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'call_a', toolName: 'lookup', output: { type: 'text', value: 'one' } },
              {
                type: 'tool-result',
                toolCallId: 'call_b',
                toolName: 'lookup',
                output: { type: 'json', value: { n: 2 } },
              },
              {
                type: 'tool-result',
                toolCallId: 'call_c',
                toolName: 'lookup',
                output: { type: 'execution-denied', reason: 'no' },
              },
            ],
          },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_d', toolName: 'lookup', input: {} }] },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'call_d',
                toolName: 'lookup',
                output: { type: 'error-text', value: 'x' },
              },
            ],
          },
        ],
      },
    ],
    [
      'tools, a strict one, and a forced tool',
      {
        ...PROMPT_ONLY,
        tools: [
          { type: 'function', name: 'a', description: 'A.', inputSchema: { type: 'object', properties: {} } },
          { type: 'function', name: 'b', inputSchema: { type: 'object' }, strict: true },
        ],
        toolChoice: { type: 'tool', toolName: 'b' },
      },
    ],
    [
      'tool choice required',
      { ...PROMPT_ONLY, tools: [{ type: 'function', name: 'a', inputSchema: {} }], toolChoice: { type: 'required' } },
    ],
    ['a tool choice without tools', { ...PROMPT_ONLY, toolChoice: { type: 'auto' } }],
    [
      'a JSON schema answer, not strict, and the settings',
      {
        ...PROMPT_ONLY,
        responseFormat: { type: 'json', schema: { type: 'object' }, name: 'answer', description: 'The answer.' },
        providerOptions: {
          openaiCompatible: { strictJsonSchema: false },
          openai: { reasoningEffort: 'low', user: 'u1' },
        },
        maxOutputTokens: 100,
        temperature: 0.5,
        topP: 0.9,
        frequencyPenalty: 0.1,
        presencePenalty: 0.2,
        seed: 7,
        stopSequences: ['END'],
      },
    ],
    ['JSON mode without a schema', { ...PROMPT_ONLY, responseFormat: { type: 'json' } }],
    [
      'a verbosity and a top-k (which has no Chat Completions field)',
      { ...PROMPT_ONLY, topK: 3, providerOptions: { openai: { textVerbosity: 'low' } } },
    ],
  ];

  for (const [what, call] of calls) {
    it(`issue 22: sends the request body the SDK sends: ${what}`, async () => {
      const respond = () =>
        createSseResponse(readFixtureLines(FIXTURES, 'openai-text'), { withEventNames: false, done: true });
      const sdk = createRecordingFetch(respond);
      const ours = createRecordingFetch(respond);
      const sdkResult = await sdkModel(sdk.fetch).doStream(call);
      const ourResult = await ourModel(ours.fetch).doStream(call);
      await convertStreamToArray(sdkResult.stream);
      const ourParts = await convertStreamToArray(ourResult.stream);
      expect(ours.requests[0]?.body).toEqual(sdk.requests[0]?.body);
      expect(ours.requests[0]?.url).toBe(sdk.requests[0]?.url);
      expect(ours.requests[0]?.headers.authorization).toBe(sdk.requests[0]?.headers.authorization);
      const sdkStart = (await convertStreamToArray((await sdkModel(sdk.fetch).doStream(call)).stream))[0];
      expect(ourParts[0]).toEqual(sdkStart);
    });
  }

  it('issue 22: on purpose, reasoning is not replayed on an assistant turn (the SDK sends reasoning_content)', async () => {
    const call: LanguageModelV3CallOptions = {
      prompt: [
        ...PROMPT_ONLY.prompt,
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'thinking' },
            { type: 'text', text: 'Hello' },
          ],
        },
        ...PROMPT_ONLY.prompt,
      ],
    };
    const respond = () =>
      createSseResponse(readFixtureLines(FIXTURES, 'openai-text'), { withEventNames: false, done: true });
    const sdk = createRecordingFetch(respond);
    const ours = createRecordingFetch(respond);
    await convertStreamToArray((await sdkModel(sdk.fetch).doStream(call)).stream);
    await convertStreamToArray((await ourModel(ours.fetch).doStream(call)).stream);
    const sdkBody = sdk.requests[0]?.body as { messages: Array<Record<string, unknown>> };
    expect(sdkBody.messages[1]).toHaveProperty('reasoning_content', 'thinking');
    delete sdkBody.messages[1]?.reasoning_content;
    expect(ours.requests[0]?.body).toEqual(sdkBody);
  });
});
