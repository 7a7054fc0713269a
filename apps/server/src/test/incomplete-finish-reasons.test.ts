import type { AiStreamEvent } from '@pag/contracts';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 14, end to end: a Codex `response.incomplete` (docs/codex-protocol.md §6.2) means the same on every API.
// `max_output_tokens` is a `length` finish, `content_filter` a content-filter finish, and any other reason (the
// backend's `interrupted`) is a failure the client sees as one — never a quiet "other" finish with half an answer.
let gateway: AiTestGateway;
let user: AiTestUser;
let openai: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({
    email: 'incomplete@home.test',
    chatgptAccount: 'bob@example.com',
    openaiKey: 'sk-test-bob-0000000000000001',
    fallbackToApiKeys: false,
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  gateway.fakeOpenAi.reset();
});

const FINISHES = [
  ['incomplete', 'max_output_tokens', 'length', 'length'],
  ['incomplete-content-filter', 'content_filter', 'content-filter', 'content_filter'],
] as const;

const ask = { model: 'chatgpt/gpt-5.5', messages: [{ role: 'user' as const, content: 'Hi' }] };

async function collect(events: AsyncIterable<AiStreamEvent>): Promise<AiStreamEvent[]> {
  const all: AiStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('issue 14: the note-app API', () => {
  it.each(FINISHES)(
    'issue 14: should finish %s (%s) as %s on /api/ai/chat and /api/ai/stream',
    async (scenario, _reason, finish) => {
      gateway.fakeCodex.enqueueScenarios(scenario, scenario);

      const answer = await user.client.chat(ask);
      const events = await collect(user.client.stream(ask));

      expect(answer.finishReason).toBe(finish);
      expect(answer.content.length).toBeGreaterThan(0);
      expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: finish });
    },
  );

  it('issue 14: should fail an answer cut short for another reason (interrupted) instead of finishing it', async () => {
    gateway.fakeCodex.enqueueScenarios('incomplete-interrupted', 'incomplete-interrupted');

    const error = await user.client.chat(ask).catch((caught: unknown) => caught);
    const events = await collect(user.client.stream(ask)).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 502, code: 'upstream_unavailable' });
    expect((error as Error).message).toMatch(/Incomplete response returned, reason: interrupted/);
    const streamed = Array.isArray(events) ? events : [];
    expect(streamed.some((event) => event.type === 'done')).toBe(false);
    expect(streamed.at(-1)).toMatchObject({
      type: 'error',
      code: 'upstream_unavailable',
      message: expect.stringMatching(/reason: interrupted/),
    });
  });
});

describe('issue 14: /v1/chat/completions', () => {
  it.each(FINISHES)(
    'issue 14: should finish %s (%s) with finish_reason %s/%s, streamed and not',
    async (scenario, _reason, _finish, chatFinish) => {
      gateway.fakeCodex.enqueueScenarios(scenario, scenario);

      const completion = await openai.chat.completions.create(ask);
      const stream = await openai.chat.completions.create({ ...ask, stream: true });
      let streamedFinish: string | null = null;
      for await (const chunk of stream) streamedFinish = chunk.choices[0]?.finish_reason ?? streamedFinish;

      expect(completion.choices[0]?.finish_reason).toBe(chatFinish);
      expect(streamedFinish).toBe(chatFinish);
    },
  );

  it('issue 14: should fail an answer cut short for another reason (interrupted), streamed and not', async () => {
    gateway.fakeCodex.enqueueScenarios('incomplete-interrupted', 'incomplete-interrupted');

    const error = await openai.chat.completions.create(ask).catch((caught: unknown) => caught);
    const stream = await openai.chat.completions.create({ ...ask, stream: true });
    const finishes: (string | null | undefined)[] = [];
    const streamError = await (async () => {
      for await (const chunk of stream) finishes.push(chunk.choices[0]?.finish_reason);
    })().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_unavailable' });
    expect(streamError).toBeInstanceOf(OpenAI.APIError);
    expect((streamError as Error).message).toMatch(/reason: interrupted/);
    expect(finishes.filter((finish) => finish != null)).toEqual([]);
  });
});

describe('issue 14: /v1/responses', () => {
  it.each([
    ...FINISHES.map(([scenario, reason]) => [scenario, reason] as const),
    ['incomplete-interrupted', 'interrupted'] as const,
  ])(
    'issue 14: should relay %s from the subscription as response.incomplete (%s), streamed and not',
    async (scenario, reason) => {
      gateway.fakeCodex.enqueueScenarios(scenario, scenario);

      const stream = await openai.responses.create({ model: 'chatgpt/gpt-5.5', input: 'Hi', stream: true });
      let last: OpenAI.Responses.ResponseStreamEvent | undefined;
      for await (const event of stream) last = event;
      const collected = await openai.responses.create({ model: 'chatgpt/gpt-5.5', input: 'Hi' });

      expect(last).toMatchObject({
        type: 'response.incomplete',
        response: { status: 'incomplete', incomplete_details: { reason } },
      });
      expect(collected).toMatchObject({ status: 'incomplete', incomplete_details: { reason } });
    },
  );

  it.each([
    ['length', 'max_output_tokens'],
    ['content-filter', 'content_filter'],
  ] as const)(
    'issue 14: should translate a %s finish into response.incomplete (%s), streamed and not',
    async (scenario, reason) => {
      gateway.fakeOpenAi.enqueueScenarios(scenario, scenario);

      const stream = await openai.responses.create({ model: 'openai/gpt-4.1', input: 'Hi', stream: true });
      let last: OpenAI.Responses.ResponseStreamEvent | undefined;
      for await (const event of stream) last = event;
      const collected = await openai.responses.create({ model: 'openai/gpt-4.1', input: 'Hi' });

      expect(last).toMatchObject({
        type: 'response.incomplete',
        response: { status: 'incomplete', incomplete_details: { reason } },
      });
      expect(collected).toMatchObject({ status: 'incomplete', incomplete_details: { reason } });
    },
  );
});
