import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import type { ParsedJson } from '../read-sse-body.ts';
import { readSseBody } from '../read-sse-body.ts';
import type { FakeGeminiScenarioInput } from './fake-gemini-scenario.ts';
import { startFakeGeminiApi } from './gemini-api-fake.ts';
import { postGemini, USER_CONTENTS } from './test-support.ts';

afterEach(closeAllFakeServers);

const MODEL = 'gemini-3.5-flash';

async function generate(options: {
  scenario?: FakeGeminiScenarioInput;
  body?: Record<string, unknown>;
  model?: string;
}) {
  const fake = await startFakeGeminiApi();
  if (options.scenario != null) fake.enqueueScenarios(options.scenario);
  const response = await postGemini({
    url: `${fake.url}/v1beta/models/${options.model ?? MODEL}:generateContent`,
    body: { contents: USER_CONTENTS, ...options.body },
  });
  return { fake, response, body: (await response.json()) as Record<string, ParsedJson> };
}

async function stream(options: { scenario?: FakeGeminiScenarioInput; body?: Record<string, unknown>; model?: string }) {
  const fake = await startFakeGeminiApi();
  if (options.scenario != null) fake.enqueueScenarios(options.scenario);
  const response = await postGemini({
    url: `${fake.url}/v1beta/models/${options.model ?? MODEL}:streamGenerateContent?alt=sse`,
    body: { contents: USER_CONTENTS, ...options.body },
  });
  const { data, ...parsed } = await readSseBody(response);
  return { fake, response, chunks: data, ...parsed };
}

const partsOf = (chunks: Record<string, ParsedJson>[]) =>
  chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
const INCLUDE_THOUGHTS = { generationConfig: { thinkingConfig: { includeThoughts: true } } };

describe('POST /v1beta/models/{model}:generateContent', () => {
  it('should answer text with usage metadata and a Gemini 3 text signature', async () => {
    const { response, body } = await generate({});

    expect(response.status).toBe(200);
    expect(body).toEqual({
      candidates: [
        {
          content: {
            parts: [
              {
                text: 'Hello! How can I help you today?',
                thoughtSignature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
              },
            ],
            role: 'model',
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 8,
        candidatesTokenCount: 8,
        totalTokenCount: 16,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }],
      },
      modelVersion: MODEL,
      responseId: 'fake-gemini-response-0001',
    });
  });

  it('should return thought summary parts with includeThoughts and count thought tokens', async () => {
    const { body } = await generate({ scenario: 'thinking', body: INCLUDE_THOUGHTS });

    expect(body.candidates[0].content.parts[0]).toEqual({
      text: '**Greeting the user**\n\nThe user says hello. A short, friendly answer fits.',
      thought: true,
    });
    expect(body.usageMetadata).toMatchObject({ thoughtsTokenCount: 19, totalTokenCount: 8 + 8 + 19 });
  });

  it('should hide thoughts without includeThoughts but still count them', async () => {
    const { body } = await generate({ scenario: 'thinking' });

    expect(body.candidates[0].content.parts.some((part: ParsedJson) => part.thought)).toBe(false);
    expect(body.usageMetadata.thoughtsTokenCount).toBe(19);
  });

  it('should report cached tokens from a scenario', async () => {
    const { body } = await generate({
      scenario: { kind: 'reply', usage: { promptTokenCount: 1000, cachedContentTokenCount: 800 } },
    });

    expect(body.usageMetadata).toMatchObject({
      promptTokenCount: 1000,
      cachedContentTokenCount: 800,
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 800 }],
    });
  });

  it('should stop with MAX_TOKENS when maxOutputTokens is tiny', async () => {
    const { body } = await generate({ body: { generationConfig: { maxOutputTokens: 2 } } });

    expect(body.candidates[0]).toMatchObject({
      content: { parts: [{ text: 'Hello! H' }] },
      finishReason: 'MAX_TOKENS',
    });
  });

  it('should answer a SAFETY finish without content and with a blocked rating', async () => {
    const { body } = await generate({ scenario: 'safety' });

    expect(body.candidates[0]).toEqual({
      finishReason: 'SAFETY',
      safetyRatings: expect.arrayContaining([
        { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
      ]),
      index: 0,
    });
  });

  it('should answer a blocked prompt with promptFeedback and no candidates', async () => {
    const { body } = await generate({ scenario: 'blocked-prompt' });

    expect(body).not.toHaveProperty('candidates');
    expect(body.promptFeedback).toMatchObject({ blockReason: 'SAFETY' });
  });

  it.each<[FakeGeminiScenarioInput, number, Record<string, unknown>]>([
    [
      'rate-limit',
      429,
      {
        message:
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, ' +
          'head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. ' +
          '\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: gemini-3.5-flash\n' +
          'Please retry in 2.0s.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [
              {
                description: 'Learn more about Gemini API quotas',
                url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
              },
            ],
          },
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
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' },
        ],
      },
    ],
    [
      'server-error',
      500,
      {
        message:
          'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        status: 'INTERNAL',
      },
    ],
    ['overloaded', 503, { message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' }],
  ])('should answer the %s scenario with %i', async (scenario, status, error) => {
    const { response, body } = await generate({ scenario });

    expect(response.status).toBe(status);
    expect(body).toEqual({ error: { code: status, ...error } });
  });

  it.each([
    ['daily-quota', 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', '43200s', 'limit: 250'],
    ['no-free-tier', 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', '5s', 'limit: 0'],
  ] as const)('should tell the %s 429 apart by its QuotaFailure', async (scenario, quotaId, retryDelay, limit) => {
    const { body } = await generate({ scenario });

    expect(body.error.message).toContain(limit);
    expect(body.error.details[1].violations[0].quotaId).toBe(quotaId);
    expect(body.error.details[2]).toEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
  });
});

describe('function calls and thought signatures', () => {
  it('should sign the first of parallel function calls only', async () => {
    const { body } = await generate({ scenario: 'parallel-function-calls' });

    const parts = body.candidates[0].content.parts;
    expect(parts).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: expect.any(String) },
      { functionCall: { name: 'get_time', args: { timezone: 'Europe/Paris' } } },
    ]);
    expect(body.candidates[0].finishReason).toBe('STOP');
  });

  async function roundTrip(options: {
    model?: string;
    change?: (parts: Record<string, ParsedJson>[]) => Record<string, ParsedJson>[];
    replayModel?: string;
  }) {
    const fake = await startFakeGeminiApi({ scenarios: ['function-call'] });
    const model = options.model ?? MODEL;
    const first = (await (
      await postGemini({ url: `${fake.url}/v1beta/models/${model}:generateContent`, body: { contents: USER_CONTENTS } })
    ).json()) as Record<string, ParsedJson>;
    const modelTurn = first.candidates[0].content;
    const parts = options.change == null ? modelTurn.parts : options.change(structuredClone(modelTurn.parts));
    const response = await postGemini({
      url: `${fake.url}/v1beta/models/${options.replayModel ?? model}:generateContent`,
      body: {
        contents: [
          ...USER_CONTENTS,
          { role: 'model', parts },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: { tempC: 18 } } } }] },
        ],
      },
    });
    return { response, body: (await response.json()) as Record<string, ParsedJson> };
  }

  it('should accept the model turn resent unchanged', async () => {
    const { response } = await roundTrip({});

    expect(response.status).toBe(200);
  });

  it('should reject a replayed function call without its signature, with the real message', async () => {
    const { response, body } = await roundTrip({
      change: (parts) => parts.map(({ thoughtSignature: _signature, ...part }) => part),
    });

    expect(response.status).toBe(400);
    expect(body).toEqual({
      error: {
        code: 400,
        message:
          'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, ' +
          'and missing thought_signature may lead to degraded model performance. Additional data, function call ' +
          '`default_api:get_weather` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures ' +
          'for more details.',
        status: 'INVALID_ARGUMENT',
      },
    });
  });

  it.each<[string, Parameters<typeof roundTrip>[0], string]>([
    [
      'a changed signature',
      {
        change: (parts) =>
          parts.map((part) => ({ ...part, thoughtSignature: `x${part.thoughtSignature}`.slice(0, -1) })),
      },
      'Corrupted thought signature.',
    ],
    [
      'a signature moved to another call',
      { change: (parts) => parts.map((part) => ({ ...part, functionCall: { ...part.functionCall, name: 'other' } })) },
      'Corrupted thought signature.',
    ],
    [
      'a signature from another model',
      { model: 'gemini-3.1-pro-preview', replayModel: MODEL },
      'Invalid thought signature.',
    ],
  ])('should reject %s', async (_case, options, message) => {
    const { response, body } = await roundTrip(options);

    expect(response.status).toBe(400);
    expect(body).toEqual({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
  });

  it('should not enforce signatures on Gemini 2.5 or outside the current turn', async () => {
    const fake = await startFakeGeminiApi();
    const unsigned = { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] };
    const answer = { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 1 } } }] };

    const onFlash25 = await postGemini({
      url: `${fake.url}/v1beta/models/gemini-2.5-flash:generateContent`,
      body: { contents: [...USER_CONTENTS, unsigned, answer] },
    });
    const earlierTurn = await postGemini({
      url: `${fake.url}/v1beta/models/${MODEL}:generateContent`,
      body: {
        contents: [
          ...USER_CONTENTS,
          unsigned,
          answer,
          { role: 'model', parts: [{ text: 'Sunny.' }] },
          ...USER_CONTENTS,
        ],
      },
    });

    expect([onFlash25.status, earlierTurn.status]).toEqual([200, 200]);
  });
});

describe('POST /v1beta/models/{model}:streamGenerateContent', () => {
  it('should stream SSE chunks separated by CRLF CRLF, finishing on the last, with no [DONE]', async () => {
    const { response, chunks, rawText } = await stream({});

    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(rawText.split('\r\n\r\n')).toHaveLength(5);
    expect(rawText).not.toContain('[DONE]');
    expect(partsOf(chunks).map((part) => part.text)).toEqual(['Hello! H', 'ow can I', ' help yo', 'u today?']);
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates[0].finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)?.candidates[0].finishReason).toBe('STOP');
    expect(chunks.at(-1)?.usageMetadata).toEqual({
      promptTokenCount: 8,
      candidatesTokenCount: 8,
      totalTokenCount: 16,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }],
    });
  });

  it('should stream thought parts before text', async () => {
    const { chunks } = await stream({ scenario: 'thinking', body: INCLUDE_THOUGHTS });

    const parts = partsOf(chunks);
    expect(
      parts
        .filter((part) => part.thought)
        .map((part) => part.text)
        .join(''),
    ).toBe('**Greeting the user**\n\nThe user says hello. A short, friendly answer fits.');
    expect(parts.findLastIndex((part) => part.thought)).toBeLessThan(parts.findIndex((part) => !part.thought));
  });

  it('should stream a function call whole, signed, in one chunk', async () => {
    const { chunks } = await stream({ scenario: 'function-call' });

    expect(chunks).toHaveLength(1);
    expect(partsOf(chunks)).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: expect.any(String) },
    ]);
  });

  it('should write a mid-stream error as a bare JSON object without data:', async () => {
    const { chunks, rawText, unknownFields, streamError } = await stream({ scenario: 'error-mid-stream' });

    expect(streamError).toBeUndefined();
    expect(chunks).toHaveLength(2);
    expect(unknownFields.length).toBeGreaterThan(0);
    // The bare error sits after the last event separator.
    expect(JSON.parse(rawText.slice(rawText.lastIndexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' },
    });
  });

  it('should cut the connection for the disconnect scenario', async () => {
    const { chunks, streamError, fake } = await stream({ scenario: 'disconnect-mid-stream' });

    expect(streamError).toBeInstanceOf(Error);
    expect(chunks).toHaveLength(2);
    expect(fake.clientCloses).toEqual([]);
  });

  it('should stream one JSON array without alt=sse', async () => {
    const fake = await startFakeGeminiApi();

    const response = await postGemini({
      url: `${fake.url}/v1beta/models/${MODEL}:streamGenerateContent`,
      body: { contents: USER_CONTENTS },
    });

    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const body = (await response.json()) as Record<string, ParsedJson>[];
    expect(
      partsOf(body)
        .map((part) => part.text)
        .join(''),
    ).toBe('Hello! How can I help you today?');
  });

  it('should answer an error scenario before the stream as JSON', async () => {
    const { response } = await stream({ scenario: 'rate-limit' });

    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
  });

  it('should record a client that aborts mid-stream', async () => {
    const fake = await startFakeGeminiApi({ perChunkDelayMs: 50 });
    const controller = new AbortController();
    const response = await postGemini({
      url: `${fake.url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`,
      body: { contents: USER_CONTENTS },
      signal: controller.signal,
    });
    await response.body?.getReader().read();

    controller.abort();

    await expect
      .poll(() => fake.clientCloses)
      .toMatchObject([{ method: 'POST', path: `/v1beta/models/${MODEL}:streamGenerateContent`, wasStreaming: true }]);
  });
});

const invalid = (message: string, field?: string) => ({
  error: {
    code: 400,
    message,
    status: 'INVALID_ARGUMENT',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [field == null ? { description: message } : { field, description: message }],
      },
    ],
  },
});
const plain = (message: string) => ({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });

describe('generateContent rejections', () => {
  it.each<[string, unknown, unknown]>([
    ['a body that is not JSON', '{"contents":', invalid('Invalid JSON payload received. Unexpected token.')],
    [
      'an unknown top-level field',
      { contents: USER_CONTENTS, messages: [] },
      invalid('Invalid JSON payload received. Unknown name "messages": Cannot find field.'),
    ],
    [
      'an unknown nested field',
      { contents: [{ role: 'user', parts: [{ text: 'x', cache: true }] }] },
      invalid(
        `Invalid JSON payload received. Unknown name "cache" at 'contents[0].parts[0]': Cannot find field.`,
        'contents[0].parts[0]',
      ),
    ],
    [
      'a thoughtSignature inside functionCall',
      {
        contents: [
          ...USER_CONTENTS,
          { role: 'model', parts: [{ functionCall: { name: 'f', args: {}, thoughtSignature: 'abc' } }] },
        ],
      },
      invalid(
        `Invalid JSON payload received. Unknown name "thoughtSignature" at 'contents[1].parts[0].function_call': Cannot find field.`,
        'contents[1].parts[0].function_call',
      ),
    ],
    ['no contents', {}, plain('* GenerateContentRequest.contents: contents is not specified\n')],
    ['empty contents', { contents: [] }, plain('* GenerateContentRequest.contents: contents is not specified\n')],
    [
      'the assistant role',
      { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
      plain('Please use a valid role: user, model.'),
    ],
    [
      'a content without parts',
      { contents: [{ role: 'user', parts: [] }] },
      plain('* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n'),
    ],
    [
      'a part without data',
      { contents: [{ role: 'user', parts: [{ thought: true }] }] },
      plain(
        "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n",
      ),
    ],
    [
      'a part with two kinds of data',
      { contents: [{ role: 'user', parts: [{ text: 'x', functionResponse: { name: 'f', response: {} } }] }] },
      invalid(
        "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set 'functionResponse'",
        'contents[0].parts[0]',
      ),
    ],
    [
      'a function response that is not an object',
      {
        contents: [...USER_CONTENTS, { role: 'user', parts: [{ functionResponse: { name: 'f', response: 'sunny' } }] }],
      },
      invalid(
        `Invalid value at 'contents[1].parts[0].function_response.response' (type.googleapis.com/google.protobuf.Struct), "sunny"`,
        'contents[1].parts[0].function_response.response',
      ),
    ],
    [
      'a text that is not a string',
      { contents: [{ role: 'user', parts: [{ text: 5 }] }] },
      invalid(`Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5`, 'contents[0].parts[0].text'),
    ],
    [
      'an unknown thinking level',
      { contents: USER_CONTENTS, generationConfig: { thinkingConfig: { thinkingLevel: 'ULTRA' } } },
      invalid(
        `Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), "ULTRA"`,
        'generation_config.thinking_config.thinking_level',
      ),
    ],
    [
      'a non-integer maxOutputTokens',
      { contents: USER_CONTENTS, generationConfig: { maxOutputTokens: 'many' } },
      invalid(
        `Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32), "many"`,
        'generation_config.max_output_tokens',
      ),
    ],
    [
      'an unknown safety category',
      { contents: USER_CONTENTS, safetySettings: [{ category: 'HARM_CATEGORY_RUDE', threshold: 'BLOCK_NONE' }] },
      invalid(
        `Invalid value at 'safety_settings[0].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), "HARM_CATEGORY_RUDE"`,
        'safety_settings[0].category',
      ),
    ],
    [
      'thinkingBudget and thinkingLevel together',
      { contents: USER_CONTENTS, generationConfig: { thinkingConfig: { thinkingBudget: 1024, thinkingLevel: 'low' } } },
      plain('You can only set one of thinking budget and thinking level.'),
    ],
    [
      'thinking turned off on Gemini 3',
      { contents: USER_CONTENTS, generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
      plain('Budget 0 is invalid. This model only works in thinking mode.'),
    ],
    [
      'an invalid function name',
      { contents: USER_CONTENTS, tools: [{ functionDeclarations: [{ name: '1weather' }] }] },
      plain(
        '* GenerateContentRequest.tools[0].function_declarations[0].name: Invalid function name. Must start with a letter or ' +
          'an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 128.\n',
      ),
    ],
    [
      'both parameters and parametersJsonSchema',
      {
        contents: USER_CONTENTS,
        tools: [{ functionDeclarations: [{ name: 'f', parameters: {}, parametersJsonSchema: {} }] }],
      },
      plain(
        '* GenerateContentRequest.tools[0].function_declarations[0].parameters: parameters and parameters_json_schema cannot both be set.\n',
      ),
    ],
    [
      'a function call without a name',
      { contents: [...USER_CONTENTS, { role: 'model', parts: [{ functionCall: { args: {} } }] }] },
      plain('* GenerateContentRequest.contents[1].parts[0].function_call.name: Name cannot be empty.\n'),
    ],
  ])('should reject %s', async (_case, body, expected) => {
    const fake = await startFakeGeminiApi({ scenarios: ['function-call'] });

    const response = await postGemini({ url: `${fake.url}/v1beta/models/${MODEL}:generateContent`, body });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(expected);
    // A rejected request does not use up the queued scenario.
    expect(fake.pendingScenarios).toHaveLength(1);
  });

  it('should accept snake_case fields, lower-case thinking levels, and a full request', async () => {
    const fake = await startFakeGeminiApi();

    const response = await postGemini({
      url: `${fake.url}/v1beta/models/${MODEL}:generateContent`,
      body: {
        contents: USER_CONTENTS,
        system_instruction: { parts: [{ text: 'Be terse.' }] },
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather',
                parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
        generation_config: {
          temperature: 0.7,
          max_output_tokens: 2048,
          thinking_config: { thinking_level: 'low', include_thoughts: true },
        },
      },
    });

    expect(response.status).toBe(200);
  });

  it('should answer NOT_FOUND for an unknown model or one without generateContent', async () => {
    const fake = await startFakeGeminiApi();

    const unknown = await postGemini({
      url: `${fake.url}/v1beta/models/gemini-9:generateContent`,
      body: { contents: USER_CONTENTS },
    });
    const embedding = await postGemini({
      url: `${fake.url}/v1beta/models/gemini-embedding-001:streamGenerateContent?alt=sse`,
      body: { contents: USER_CONTENTS },
    });

    expect(unknown.status).toBe(404);
    expect(await embedding.json()).toEqual({
      error: {
        code: 404,
        message:
          'models/gemini-embedding-001 is not found for API version v1beta, or is not supported for streamGenerateContent. ' +
          'Call ListModels to see the list of available models and their supported methods.',
        status: 'NOT_FOUND',
      },
    });
  });
});

describe('echo scenario', () => {
  const contentsFor = (...parts: string[]) => [
    { role: 'user', parts: [{ text: 'an earlier question' }] },
    { role: 'model', parts: [{ text: 'an answer' }] },
    { role: 'user', parts: parts.map((text) => ({ text })) },
  ];
  const textOf = (parts: ParsedJson[]) =>
    parts
      .filter((part) => part.thought !== true && typeof part.text === 'string')
      .map((part) => part.text)
      .join('');

  it('should answer with the text parts of the last user content, streamed or not', async () => {
    const plain = await generate({ scenario: 'echo', body: { contents: contentsFor('plain ', 'one') } });
    const streamed = await stream({ scenario: 'echo', body: { contents: contentsFor('streamed one') } });

    expect(plain.response.status).toBe(200);
    expect(textOf(plain.body.candidates[0].content.parts)).toBe('echo: plain one');
    expect(streamed.response.status).toBe(200);
    expect(streamed.chunks.length).toBeGreaterThan(1);
    expect(textOf(partsOf(streamed.chunks))).toBe('echo: streamed one');
  });

  it.each<[string, unknown[], string]>([
    [
      'only the text parts of the last user content',
      [
        { role: 'user', parts: [{ text: 'old' }] },
        { role: 'model', parts: [{ text: 'thinking', thought: true }, { text: 'fine' }] },
        {
          role: 'user',
          parts: [{ text: 'new ' }, { inlineData: { mimeType: 'image/png', data: '' } }, { text: 'one' }],
        },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
      ],
      'echo: new one',
    ],
    ['a content without role as the user', [{ parts: [{ text: 'no role given' }] }], 'echo: no role given'],
    ['an empty text without a user content', [{ role: 'model', parts: [{ text: 'only the model' }] }], 'echo: '],
  ])('should echo %s', async (_case, contents, expected) => {
    const { body } = await generate({ scenario: 'echo', model: 'gemini-2.5-flash', body: { contents } });

    expect(textOf(body.candidates[0].content.parts)).toBe(expected);
  });

  it('should give every overlapping request its own echo when echo is the default', async () => {
    // A delay before each chunk keeps the streams in flight together.
    const fake = await startFakeGeminiApi({ defaultScenario: 'echo', perChunkDelayMs: 10 });
    const ask = async (question: string, isStream: boolean) => {
      const action = isStream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      const response = await postGemini({
        url: `${fake.url}/v1beta/models/${MODEL}:${action}`,
        body: { contents: contentsFor(question) },
      });
      if (!isStream) return textOf(((await response.json()) as ParsedJson).candidates[0].content.parts);
      return textOf(partsOf((await readSseBody(response)).data));
    };
    const questions = Array.from({ length: 8 }, (_, index) => `question ${index}`);

    const answers = await Promise.all(questions.map((question, index) => ask(question, index % 2 === 0)));

    expect(answers).toEqual(questions.map((question) => `echo: ${question}`));
  });

  it('should let a given text win over echo', async () => {
    const { body } = await generate({ scenario: { kind: 'reply', echo: true, text: 'fixed' } });

    expect(textOf(body.candidates[0].content.parts)).toBe('fixed');
  });
});
