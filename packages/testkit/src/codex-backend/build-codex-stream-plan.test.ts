import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import type { ParsedJson } from '../read-sse-body.ts';
import { readSseBody } from '../read-sse-body.ts';
import { buildCodexStreamPlan } from './build-codex-stream-plan.ts';
import { codexRequestBody, postResponses, startCodexTestRig } from './codex-backend-test-support.ts';
import type { FakeCodexScenarioInput, FakeCodexStreamScenario } from './fake-codex-scenario.ts';
import { FAKE_CODEX_REASONING_TEXT, FAKE_CODEX_REPLY_TEXT } from './fake-codex-scenario.ts';

afterEach(closeAllFakeServers);

const LIFECYCLE = ['response.created', 'response.in_progress'];
/** One output item's event types: added, what opens it, three deltas, what closes it, done. */
const itemEvents = (delta: string, opening: string[], closing: string[]) =>
  ['output_item.added', ...opening, delta, delta, delta, ...closing, 'output_item.done'].map(
    (type) => `response.${type}`,
  );
const TEXT_ITEM = itemEvents('output_text.delta', ['content_part.added'], ['output_text.done', 'content_part.done']);
const REASONING_ITEM = itemEvents(
  'reasoning_summary_text.delta',
  ['reasoning_summary_part.added'],
  ['reasoning_summary_text.done', 'reasoning_summary_part.done'],
);
const CALL_ITEM = itemEvents('function_call_arguments.delta', [], ['function_call_arguments.done']);

async function stream(options: { scenario: FakeCodexScenarioInput; body?: Record<string, unknown> }) {
  const rig = await startCodexTestRig();
  rig.backend.enqueueScenarios(options.scenario);
  const response = await postResponses({ rig, body: options.body ?? codexRequestBody() });
  expect(response.status).toBe(200);
  const { events, data, rawText } = await readSseBody(response);
  expectWellFormed({ events, data, text: rawText });
  return { rig, response, events, data };
}

/** docs/codex-protocol.md §6.1 framing and numbering, which every stream must satisfy. */
function expectWellFormed(options: { events: { event?: string }[]; data: ParsedJson[]; text: string }): void {
  const { events, text } = options;
  expect(text).not.toContain('[DONE]');
  expect(text.split('\n\n').filter((frame) => frame !== '')).toHaveLength(events.length);
  for (const frame of text.split('\n\n').filter((part) => part !== '')) {
    expect(frame).toMatch(/^event: [a-z_.]+\ndata: \{.*\}$/);
  }
  options.data.forEach((data, index) => {
    expect(events[index]?.event).toBe(data.type);
    expect(data.sequence_number).toBe(index);
  });
  // Every delta/done event names the item that `output_item.added` opened at that index.
  const itemIds = new Map<number, unknown>();
  for (const data of options.data) {
    const item = data.item as Record<string, unknown> | undefined;
    if (data.type === 'response.output_item.added') itemIds.set(data.output_index as number, item?.id);
    if (data.item_id != null) expect(data.item_id).toBe(itemIds.get(data.output_index as number));
  }
}

/** The `response` object of an event (the last one by default). */
const responseOf = (data: Record<string, unknown>[], index = -1) =>
  (data.at(index)?.response ?? {}) as Record<string, unknown> & {
    usage: Record<string, Record<string, number>>;
    output: unknown[];
  };
const types = (data: Record<string, unknown>[]) => data.map((event) => event.type);
const joinDeltas = (data: Record<string, unknown>[], type: string) =>
  data
    .filter((event) => event.type === type)
    .map((event) => event.delta)
    .join('');

describe('buildCodexStreamPlan over HTTP', () => {
  it('should stream plain text with usage and no [DONE]', async () => {
    const { data, response } = await stream({
      scenario: 'text',
      body: codexRequestBody({ prompt_cache_key: 'thread-1' }),
    });

    expect(types(data)).toEqual([...LIFECYCLE, ...TEXT_ITEM, 'response.completed']);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(joinDeltas(data, 'response.output_text.delta')).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(
      data
        .filter((event) => event.type === 'response.output_text.delta')
        .map((event) => [event.output_index, event.content_index]),
    ).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(data[0]).toMatchObject({
      response: {
        object: 'response',
        status: 'in_progress',
        model: 'gpt-5.5',
        store: false,
        output: [],
        usage: null,
        reasoning: { effort: 'medium', summary: 'auto' },
        prompt_cache_key: 'thread-1',
      },
    });
    const completed = data.at(-1)?.response as Record<string, unknown>;
    const usage = completed.usage as Record<string, number & Record<string, number>>;
    expect(completed).toMatchObject({
      id: responseOf(data, 0).id,
      status: 'completed',
      output: [
        {
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: FAKE_CODEX_REPLY_TEXT, annotations: [] }],
        },
      ],
    });
    expect(completed.id).toMatch(/^resp_[0-9a-f]+$/);
    expect(usage).toEqual({
      input_tokens: expect.any(Number),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: (usage.input_tokens as number) + 9,
    });
  });

  it('should stream reasoning with encrypted_content, then text', async () => {
    const { data } = await stream({ scenario: 'reasoning-text' });

    expect(types(data)).toEqual([...LIFECYCLE, ...REASONING_ITEM, ...TEXT_ITEM, 'response.completed']);
    expect(joinDeltas(data, 'response.reasoning_summary_text.delta')).toBe(FAKE_CODEX_REASONING_TEXT);
    const summaryEvents = data.filter((event) => String(event.type).startsWith('response.reasoning_summary'));
    expect(new Set(summaryEvents.map((event) => `${event.output_index}/${event.summary_index}`))).toEqual(
      new Set(['0/0']),
    );
    const reasoningDone = data.find(
      (event) => event.type === 'response.output_item.done' && event.output_index === 0,
    ) as { item: Record<string, unknown> };
    expect(reasoningDone.item).toEqual({
      id: expect.stringMatching(/^rs_/),
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: FAKE_CODEX_REASONING_TEXT }],
      encrypted_content: expect.stringMatching(/^gAAAAAB/),
    });
    expect(
      new Set(data.filter((event) => event.type === 'response.output_text.delta').map((event) => event.output_index)),
    ).toEqual(new Set([1]));
    const usage = responseOf(data).usage;
    expect(usage.output_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  it('should leave out encrypted_content unless the request includes it', async () => {
    const { data } = await stream({ scenario: 'reasoning-text', body: codexRequestBody({ include: [] }) });

    const reasoningDone = data.find((event) => event.type === 'response.output_item.done') as {
      item: Record<string, unknown>;
    };
    expect(reasoningDone.item).not.toHaveProperty('encrypted_content');
  });

  it('should stream one function call with argument deltas', async () => {
    const { data } = await stream({ scenario: 'function-call' });

    expect(types(data)).toEqual([...LIFECYCLE, ...CALL_ITEM, 'response.completed']);
    expect(joinDeltas(data, 'response.function_call_arguments.delta')).toBe('{"city":"Paris"}');
    expect(data[2]).toMatchObject({
      output_index: 0,
      item: {
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: 'call_fake_weather',
        name: 'get_weather',
      },
    });
    expect(data.at(-3)).toMatchObject({ type: 'response.function_call_arguments.done', arguments: '{"city":"Paris"}' });
    expect(data.at(-2)).toMatchObject({
      item: { id: expect.stringMatching(/^fc_/), status: 'completed', arguments: '{"city":"Paris"}' },
    });
  });

  it('should stream parallel function calls as consecutive items', async () => {
    const { data } = await stream({ scenario: 'parallel-function-calls' });

    expect(types(data)).toEqual([...LIFECYCLE, ...CALL_ITEM, ...CALL_ITEM, 'response.completed']);
    const done = data.filter((event) => event.type === 'response.output_item.done') as {
      output_index: number;
      item: Record<string, unknown>;
    }[];
    expect(done.map((event) => [event.output_index, event.item.name, event.item.call_id])).toEqual([
      [0, 'get_weather', 'call_fake_weather'],
      [1, 'get_time', 'call_fake_time'],
    ]);
    expect(done[0]?.item.id).not.toBe(done[1]?.item.id);
    expect(responseOf(data).output).toHaveLength(2);
  });

  it('should end with response.incomplete for max_output_tokens', async () => {
    const { data } = await stream({ scenario: 'incomplete' });

    expect(types(data)).toEqual([...LIFECYCLE, ...TEXT_ITEM, 'response.incomplete']);
    expect(data.at(-1)).toMatchObject({
      response: {
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [{ type: 'message', status: 'incomplete' }],
        usage: { output_tokens: expect.any(Number) },
      },
    });
  });

  it.each<[FakeCodexScenarioInput, string]>([
    ['incomplete', 'max_output_tokens'],
    ['incomplete-content-filter', 'content_filter'],
    ['incomplete-interrupted', 'interrupted'],
    [{ kind: 'stream', text: 'Cut', ending: { kind: 'incomplete', reason: 'max_tool_calls' } }, 'max_tool_calls'],
  ])('issue 14: should end %j with response.incomplete for %s', async (scenario, reason) => {
    const { data } = await stream({ scenario });

    expect(types(data)).toEqual([...LIFECYCLE, ...TEXT_ITEM, 'response.incomplete']);
    expect(data.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason }, output: [{ status: 'incomplete' }] },
    });
  });

  it.each([
    ['failed-context-length', 'context_length_exceeded', /exceeds the context window/],
    ['failed-usage-not-included', 'usage_not_included', /does not include Codex/],
    ['failed-rate-limit', 'rate_limit_exceeded', /try again in 11\.054s/],
  ] as const)('should end %s with response.failed', async (scenario, code, message) => {
    const { data } = await stream({ scenario });

    expect(types(data)).toEqual([...LIFECYCLE, 'response.failed']);
    expect(data.at(-1)).toMatchObject({
      response: { status: 'failed', output: [], error: { code, message: expect.stringMatching(message) } },
    });
  });

  it('should end with a top-level error event', async () => {
    const { data } = await stream({ scenario: 'error-event' });

    expect(types(data)).toEqual([...LIFECYCLE, 'error']);
    expect(data.at(-1)).toEqual({
      type: 'error',
      sequence_number: 2,
      error: {
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        message: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
        param: 'input',
      },
    });
  });

  it('should complete with an empty output although items were streamed', async () => {
    const { data } = await stream({ scenario: 'empty-output' });

    expect(types(data)).toEqual([...LIFECYCLE, ...TEXT_ITEM, 'response.completed']);
    expect(data.at(-1)).toMatchObject({ response: { status: 'completed', output: [] } });
  });

  it('should omit content-type in the no-content-type scenario', async () => {
    const { data, response } = await stream({ scenario: 'no-content-type' });

    expect(response.headers.get('content-type')).toBeNull();
    expect(types(data)).toEqual([...LIFECYCLE, ...TEXT_ITEM, 'response.completed']);
  });

  it('should cut the connection mid-stream without response.completed', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios('disconnect');

    const response = await postResponses({ rig, body: codexRequestBody() });
    const { data, streamError } = await readSseBody(response);
    const exchange = await rig.backend.waitForClose({ index: 0 });

    expect(response.status).toBe(200);
    expect(types(data)).toEqual([...LIFECYCLE, ...TEXT_ITEM.slice(0, 4)]);
    expect(streamError).toBeInstanceOf(Error);
    expect(exchange).toMatchObject({ scenario: 'disconnect', isClientAbort: false, closedAt: expect.any(Number) });
  });

  it('should stall after the first delta, then go on', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios({ kind: 'stream', text: 'abcdef', stall: { ms: 1500, afterDeltas: 1 } });

    const response = await postResponses({ rig, body: codexRequestBody() });
    const { data, arrivals } = await readSseBody(response);

    expect(data.at(-1)?.type).toBe('response.completed');
    const firstDelta = data.findIndex((event) => event.type === 'response.output_text.delta');
    const gap = (arrivals[firstDelta + 1] ?? 0) - (arrivals[firstDelta] ?? 0);
    expect(gap).toBeGreaterThanOrEqual(1450);
    // The stall comes after the first delta, not before it (a wide margin: a loaded machine is not the point).
    expect((arrivals[firstDelta] ?? 0) - (arrivals[0] ?? 0)).toBeLessThan(1000);
  });

  it('should stall for a second in the idle preset', async () => {
    const started = Date.now();
    const { data } = await stream({ scenario: 'idle' });

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(types(data)).toEqual([...LIFECYCLE, ...TEXT_ITEM, 'response.completed']);
  });

  it('should honour deltaCount, several summary parts, usage overrides and a disconnect before any delta', async () => {
    const { data } = await stream({
      scenario: {
        kind: 'stream',
        reasoning: ['First.', 'Second.'],
        text: 'Hi',
        deltaCount: 1,
        usage: { inputTokens: 1200, cachedTokens: 1024, outputTokens: 80, reasoningTokens: 64 },
      },
    });
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios({ kind: 'stream', ending: { kind: 'disconnect', afterDeltas: 0 } });
    const cut = await readSseBody(await postResponses({ rig, body: codexRequestBody() }));

    expect(
      data
        .filter((event) => event.type === 'response.reasoning_summary_text.delta')
        .map((event) => event.summary_index),
    ).toEqual([0, 1]);
    expect(data.filter((event) => event.type === 'response.output_text.delta')).toHaveLength(1);
    expect(responseOf(data).usage).toEqual({
      input_tokens: 1200,
      input_tokens_details: { cached_tokens: 1024 },
      output_tokens: 80,
      output_tokens_details: { reasoning_tokens: 64 },
      total_tokens: 1280,
    });
    expect(types(cut.data)).toEqual([...LIFECYCLE, ...TEXT_ITEM.slice(0, 2)]);
    expect(cut.streamError).toBeInstanceOf(Error);
  });
});

/** The streamed text of a plan built straight from a request's `input`, without HTTP. */
function planText(options: { input: unknown; scenario?: Partial<FakeCodexStreamScenario> }): string | undefined {
  let count = 0;
  const plan = buildCodexStreamPlan({
    scenario: { kind: 'stream', echo: true, ...options.scenario },
    request: codexRequestBody({ input: options.input }),
    defaultEffort: 'medium',
    createdAt: 0,
    createId: (prefix) => `${prefix}_${++count}`,
  });
  return plan.events.find((event) => event.type === 'response.output_text.done')?.text as string | undefined;
}

const message = (role: string, content: unknown) => ({ type: 'message', role, content });
const inputText = (text: string) => ({ type: 'input_text', text });

describe('echo scenario', () => {
  it('should echo the input_text parts of the last user message only', () => {
    const text = planText({
      input: [
        message('developer', [inputText('You are a helpful assistant.')]),
        message('user', [inputText('an earlier question')]),
        message('assistant', [{ type: 'output_text', text: 'an answer' }]),
        message('user', [inputText('part one, '), { type: 'input_image', image_url: 'data:,' }, inputText('part two')]),
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
    });

    expect(text).toBe('echo: part one, part two');
  });

  it('should echo a string content, and an empty text when no user message is there', () => {
    expect(planText({ input: [{ role: 'user', content: 'plain string' }] })).toBe('echo: plain string');
    expect(planText({ input: [message('developer', [inputText('Be brief.')])] })).toBe('echo: ');
  });

  it('should let text win over echo and keep echo beside function calls', () => {
    const input = [message('user', [inputText('ignored')])];

    expect(planText({ input, scenario: { text: 'fixed' } })).toBe('fixed');
    expect(
      planText({ input, scenario: { functionCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }),
    ).toBe('echo: ignored');
  });

  it('should stream the echo preset as a normal text answer', async () => {
    const { data } = await stream({
      scenario: 'echo',
      body: codexRequestBody({ instructions: 'Be brief.', input: [message('user', [inputText('hello echo')])] }),
    });

    expect(types(data)).toEqual([...LIFECYCLE, ...TEXT_ITEM, 'response.completed']);
    expect(
      data
        .filter((event) => event.type === 'response.output_text.delta')
        .map((event) => event.delta)
        .join(''),
    ).toBe('echo: hello echo');
    expect(responseOf(data).output).toEqual([
      expect.objectContaining({ role: 'assistant', content: [expect.objectContaining({ text: 'echo: hello echo' })] }),
    ]);
  });

  it('should give every overlapping request its own echo when echo is the default', async () => {
    const rig = await startCodexTestRig({ defaultScenario: 'echo' });
    const ask = async (question: string) => {
      const body = codexRequestBody({
        instructions: 'Be brief.',
        input: [message('user', [inputText('the same first turn')]), message('user', [inputText(question)])],
      });
      const { data } = await readSseBody(await postResponses({ rig, body }));
      return data
        .filter((event) => event.type === 'response.output_text.delta')
        .map((event) => event.delta)
        .join('');
    };

    const questions = Array.from({ length: 8 }, (_, index) => `question ${index}`);
    const presetAnswers = await Promise.all(questions.map(ask));
    // Each stream now pauses after its first delta, so the requests are surely in flight at the same time.
    rig.backend.setDefaultScenario({ kind: 'stream', echo: true, stall: { ms: 50, afterDeltas: 1 } });
    const stalledAnswers = await Promise.all(questions.map(ask));

    expect(presetAnswers).toEqual(questions.map((question) => `echo: ${question}`));
    expect(stalledAnswers).toEqual(questions.map((question) => `echo: ${question}`));
  });
});
