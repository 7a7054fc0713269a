import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import type { ParsedJson } from '../read-sse-body.ts';
import { readSseBody } from '../read-sse-body.ts';
import type { FakeOpenAiScenarioInput } from './fake-openai-scenario.ts';
import { startFakeOpenAiApi } from './openai-api-fake.ts';
import { FIXED_NOW, postOpenAi } from './test-support.ts';

afterEach(closeAllFakeServers);

type ResponseEvent = { type: string; sequence_number: number; [key: string]: ParsedJson };

async function streamResponse(options: { scenario?: FakeOpenAiScenarioInput; body?: Record<string, unknown> }) {
  const fake = await startFakeOpenAiApi({ now: () => FIXED_NOW });
  if (options.scenario != null) fake.enqueueScenarios(options.scenario);
  const response = await postOpenAi({
    url: `${fake.baseUrl}/responses`,
    body: { model: 'gpt-5-mini', input: 'Hello there', stream: true, ...options.body },
  });
  const parsed = await readSseBody(response);
  return { fake, response, ...parsed, data: parsed.data as ResponseEvent[] };
}

describe('POST /v1/responses (streaming)', () => {
  it('should stream the typed text events with event lines and sequence numbers', async () => {
    const { events, data } = await streamResponse({});

    const opening = ['response.created', 'response.in_progress', 'response.output_item.added'];
    const deltas = Array.from({ length: 4 }, () => 'response.output_text.delta');
    expect(data.map((event) => event.type)).toEqual([
      ...opening,
      'response.content_part.added',
      ...deltas,
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.event)).toEqual(data.map((event) => event.type));
    expect(data.map((event) => event.sequence_number)).toEqual(data.map((_event, index) => index));
    expect(data[0]?.response).toMatchObject({ id: 'resp_fake0001', status: 'in_progress', output: [], usage: null });
    expect(data[4]).toEqual({
      type: 'response.output_text.delta',
      sequence_number: 4,
      item_id: 'msg_fake0001',
      output_index: 0,
      content_index: 0,
      delta: 'Hello! H',
      logprobs: [],
    });
    expect(data.at(-1)?.response).toMatchObject({
      status: 'completed',
      output: [
        {
          id: 'msg_fake0001',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hello! How can I help you today?' }],
        },
      ],
      usage: {
        input_tokens: 3,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 8,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 11,
      },
    });
  });

  it('should stream a reasoning summary item before the message, with encrypted content when included', async () => {
    const { data } = await streamResponse({
      scenario: 'reasoning',
      body: { include: ['reasoning.encrypted_content'] },
    });

    const summary = data
      .filter((event) => event.type === 'response.reasoning_summary_text.delta')
      .map((event) => event.delta)
      .join('');
    expect(summary).toBe('The user greets me. A short, friendly answer fits.');
    const done = data.filter((event) => event.type === 'response.output_item.done').map((event) => event.item);
    expect(done.map((item) => [item.type, item.id])).toEqual([
      ['reasoning', 'rs_fake0001'],
      ['message', 'msg_fake0001'],
    ]);
    expect(done[0]).toMatchObject({
      summary: [{ type: 'summary_text', text: summary }],
      encrypted_content: expect.any(String),
    });
    expect(data.at(-1)?.response.usage.output_tokens_details.reasoning_tokens).toBe(13);
  });

  it('should stream parallel function calls with argument deltas', async () => {
    const { data } = await streamResponse({ scenario: 'parallel-tool-calls' });

    const added = data.filter((event) => event.type === 'response.output_item.added').map((event) => event.item);
    expect(added).toEqual([
      {
        id: 'fc_fake0001_0',
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: 'call_fake_0001_0',
        name: 'get_weather',
      },
      {
        id: 'fc_fake0001_1',
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: 'call_fake_0001_1',
        name: 'get_time',
      },
    ]);
    const argumentsOf = (itemId: string) =>
      data
        .filter((event) => event.type === 'response.function_call_arguments.delta' && event.item_id === itemId)
        .map((event) => event.delta)
        .join('');
    expect(argumentsOf('fc_fake0001_0')).toBe('{"city":"Paris"}');
    expect(argumentsOf('fc_fake0001_1')).toBe('{"timezone":"Europe/Paris"}');
    expect(data.at(-1)?.response.output.map((item: ParsedJson) => item.output_index ?? item.id)).toEqual([
      'fc_fake0001_0',
      'fc_fake0001_1',
    ]);
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content-filter', 'content_filter'],
  ] as const)('should end the %s scenario with response.incomplete (%s)', async (scenario, reason) => {
    const { data } = await streamResponse({ scenario });

    expect(data.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason } },
    });
  });

  it('should send error then response.failed mid-stream', async () => {
    const { data } = await streamResponse({ scenario: 'error-mid-stream' });

    expect(data.slice(-2)).toEqual([
      {
        type: 'error',
        sequence_number: 6,
        code: 'server_error',
        message: 'The server had an error while processing your request. Sorry about that!',
        param: null,
      },
      expect.objectContaining({
        type: 'response.failed',
        sequence_number: 7,
        response: expect.objectContaining({
          status: 'failed',
          error: {
            code: 'server_error',
            message: 'The server had an error while processing your request. Sorry about that!',
          },
        }),
      }),
    ]);
  });

  it('should cut the connection for the disconnect scenario, without a terminal event', async () => {
    const { data, streamError } = await streamResponse({ scenario: 'disconnect-mid-stream' });

    expect(streamError).toBeInstanceOf(Error);
    expect(data.map((event) => event.type)).not.toContain('response.completed');
    expect(data.at(-1)?.type).toBe('response.output_text.delta');
  });
});

describe('POST /v1/responses (non-streaming)', () => {
  it('should answer the completed response object echoing the request settings', async () => {
    const fake = await startFakeOpenAiApi({ now: () => FIXED_NOW });

    const response = await postOpenAi({
      url: `${fake.baseUrl}/responses`,
      body: {
        model: 'gpt-4.1',
        input: 'Hello there',
        instructions: 'Be terse.',
        temperature: 0.5,
        metadata: { a: '1' },
      },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 'resp_fake0001',
      object: 'response',
      created_at: 1_767_000_000,
      status: 'completed',
      instructions: 'Be terse.',
      temperature: 0.5,
      metadata: { a: '1' },
      model: 'gpt-4.1',
      output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hello! How can I help you today?' }] }],
    });
  });

  it('should accept previous_response_id for a stored response and a function_call_output for its call', async () => {
    const fake = await startFakeOpenAiApi({ scenarios: ['tool-call'] });
    const first = (await (
      await postOpenAi({ url: `${fake.baseUrl}/responses`, body: { model: 'gpt-4.1', input: 'Weather?' } })
    ).json()) as {
      id: string;
      output: { call_id: string }[];
    };

    const second = await postOpenAi({
      url: `${fake.baseUrl}/responses`,
      body: {
        model: 'gpt-4.1',
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: first.output[0]?.call_id, output: '{"tempC":18}' }],
      },
    });

    expect(second.status).toBe(200);
  });

  it('should accept a stateless round trip with the call in the input', async () => {
    const fake = await startFakeOpenAiApi();

    const response = await postOpenAi({
      url: `${fake.baseUrl}/responses`,
      body: {
        model: 'gpt-4.1',
        store: false,
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
          { type: 'function_call_output', call_id: 'call_1', output: '{"tempC":18}' },
        ],
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
      },
    });

    expect(response.status).toBe(200);
  });

  it.each<[string, Record<string, unknown>, number, Record<string, unknown>]>([
    [
      'no model',
      { input: 'x' },
      400,
      { message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' },
    ],
    [
      'an unknown model',
      { model: 'gpt-9', input: 'x' },
      404,
      {
        message: 'The model `gpt-9` does not exist or you do not have access to it.',
        param: null,
        code: 'model_not_found',
      },
    ],
    [
      'an embedding model',
      { model: 'text-embedding-3-small', input: 'x' },
      400,
      {
        message: "The requested model 'text-embedding-3-small' is not supported with the Responses API.",
        param: 'model',
        code: 'model_not_found',
      },
    ],
    [
      'an unknown parameter',
      { model: 'gpt-4.1', input: 'x', messages: [] },
      400,
      { message: 'Unrecognized request argument supplied: messages', param: null, code: null },
    ],
    [
      'no input',
      { model: 'gpt-4.1' },
      400,
      { message: "Missing required parameter: 'input'.", param: 'input', code: 'missing_required_parameter' },
    ],
    [
      'an input of the wrong type',
      { model: 'gpt-4.1', input: 42 },
      400,
      {
        message: "Invalid type for 'input': expected one of a string or array, but got an integer instead.",
        param: 'input',
        code: 'invalid_type',
      },
    ],
    [
      'an unknown role',
      { model: 'gpt-4.1', input: [{ role: 'bot', content: 'x' }] },
      400,
      {
        message: "Invalid value: 'bot'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
        param: 'input[0].role',
        code: 'invalid_value',
      },
    ],
    [
      'a user part of an assistant type',
      { model: 'gpt-4.1', input: [{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }] },
      400,
      {
        message:
          "Invalid value: 'output_text'. Supported values are: 'input_text', 'input_image', 'input_file', and 'input_audio'.",
        param: 'input[0].content[0].type',
        code: 'invalid_value',
      },
    ],
    [
      'a function_call_output without its call',
      { model: 'gpt-4.1', input: [{ type: 'function_call_output', call_id: 'call_x', output: '{}' }] },
      400,
      { message: 'No tool call found for function call output with call_id call_x.', param: 'input', code: null },
    ],
    [
      'an unknown previous_response_id',
      { model: 'gpt-4.1', input: 'x', previous_response_id: 'resp_nope' },
      400,
      {
        message: "Previous response with id 'resp_nope' not found.",
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      },
    ],
    [
      'a function tool without a name',
      { model: 'gpt-4.1', input: 'x', tools: [{ type: 'function', parameters: {} }] },
      400,
      {
        message: "Missing required parameter: 'tools[0].name'.",
        param: 'tools[0].name',
        code: 'missing_required_parameter',
      },
    ],
    [
      'max_output_tokens below 16',
      { model: 'gpt-4.1', input: 'x', max_output_tokens: 5 },
      400,
      {
        message: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 5 instead.",
        param: 'max_output_tokens',
        code: 'integer_below_min_value',
      },
    ],
  ])('should reject %s', async (_case, body, status, error) => {
    const fake = await startFakeOpenAiApi();

    const response = await postOpenAi({ url: `${fake.baseUrl}/responses`, body });

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { type: 'invalid_request_error', ...error } });
  });

  it('should not let a store:false response be continued', async () => {
    const fake = await startFakeOpenAiApi();
    const first = (await (
      await postOpenAi({ url: `${fake.baseUrl}/responses`, body: { model: 'gpt-4.1', input: 'x', store: false } })
    ).json()) as { id: string };

    const second = await postOpenAi({
      url: `${fake.baseUrl}/responses`,
      body: { model: 'gpt-4.1', input: 'y', previous_response_id: first.id },
    });

    expect(second.status).toBe(400);
  });
});

describe('POST /v1/responses (echo scenario)', () => {
  const outputText = (response: ParsedJson): string =>
    (response.output as ParsedJson[])
      .filter((item) => item.type === 'message')
      .flatMap((item) => item.content as ParsedJson[])
      .map((part) => part.text)
      .join('');
  const deltasOf = (data: ResponseEvent[]) =>
    data
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta)
      .join('');

  it('should echo a string input and the last user item of an input list, streamed or not', async () => {
    const { data } = await streamResponse({ scenario: 'echo', body: { input: 'a bare string input' } });
    const fake = await startFakeOpenAiApi({ now: () => FIXED_NOW, scenarios: ['echo'] });
    const plain = await postOpenAi({
      url: `${fake.baseUrl}/responses`,
      body: {
        model: 'gpt-4.1',
        input: [
          { role: 'developer', content: 'Be brief.' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'older' }] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
          {
            type: 'message',
            role: 'user',
            content: [
              { type: 'input_text', text: 'latest ' },
              { type: 'input_text', text: 'question' },
            ],
          },
        ],
      },
    });

    expect(deltasOf(data)).toBe('echo: a bare string input');
    expect(data.at(-1)?.type).toBe('response.completed');
    expect(outputText(data.at(-1)?.response)).toBe('echo: a bare string input');
    expect(plain.status).toBe(200);
    expect(outputText(await plain.json())).toBe('echo: latest question');
  });

  it('should give every overlapping request its own echo when echo is the default', async () => {
    const fake = await startFakeOpenAiApi({ defaultScenario: 'echo', perChunkDelayMs: 10 });
    const ask = async (question: string, stream: boolean) => {
      const response = await postOpenAi({
        url: `${fake.baseUrl}/responses`,
        body: { model: 'gpt-4.1', input: [{ role: 'user', content: question }], stream },
      });
      if (!stream) return outputText(await response.json());
      return deltasOf((await readSseBody(response)).data as ResponseEvent[]);
    };
    const questions = Array.from({ length: 8 }, (_, index) => `question ${index}`);

    const answers = await Promise.all(questions.map((question, index) => ask(question, index % 2 === 0)));

    expect(answers).toEqual(questions.map((question) => `echo: ${question}`));
  });
});
