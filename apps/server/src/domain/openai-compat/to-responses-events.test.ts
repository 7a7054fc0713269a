import { type LanguageModelV3FinishReason, type LanguageModelV3StreamPart, UpstreamApiError } from '@pag/providers';
import { describe, expect, it } from 'vitest';
import { finalResponsesEvent } from './final-responses-event.ts';
import { type ResponsesEvent, toResponsesEvents } from './to-responses-events.ts';

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: undefined },
  outputTokens: { total: 4, text: 4, reasoning: 0 },
};

async function* answer(ending: LanguageModelV3StreamPart[]): AsyncGenerator<LanguageModelV3StreamPart> {
  yield { type: 'stream-start', warnings: [] };
  yield { type: 'text-start', id: 'msg_1' };
  yield { type: 'text-delta', id: 'msg_1', delta: 'Cut' };
  yield { type: 'text-end', id: 'msg_1' };
  yield* ending;
}

const finish = (finishReason: LanguageModelV3FinishReason): LanguageModelV3StreamPart => ({
  type: 'finish',
  finishReason,
  usage,
});

async function collect(parts: AsyncIterable<LanguageModelV3StreamPart>): Promise<ResponsesEvent[]> {
  const events: ResponsesEvent[] = [];
  for await (const event of toResponsesEvents(parts, { model: 'openai/gpt-4.1', request: {} })) events.push(event);
  return events;
}

describe('toResponsesEvents', () => {
  it.each([
    ['length', 'max_output_tokens'],
    ['content-filter', 'content_filter'],
  ] as const)('issue 14: should end a %s finish with response.incomplete (%s)', async (unified, reason) => {
    const events = await collect(answer([finish({ unified, raw: undefined })]));

    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: {
        status: 'incomplete',
        incomplete_details: { reason },
        output: [{ type: 'message', content: [{ type: 'output_text', text: 'Cut' }] }],
        usage: { output_tokens: 4 },
      },
    });
  });

  it('issue 14: should end an answer cut short for another reason with response.failed', async () => {
    const error = new UpstreamApiError({
      message: 'Incomplete response returned, reason: interrupted',
      url: 'https://chatgpt.example/backend-api/codex/responses',
      statusCode: 502,
      cause: undefined,
    });
    const events = await collect(answer([{ type: 'error', error }, finish({ unified: 'error', raw: 'interrupted' })]));

    expect(events.map((event) => event.type)).not.toContain('response.incomplete');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: {
        status: 'failed',
        error: { code: 'upstream_unavailable', message: expect.stringMatching(/reason: interrupted/) },
      },
    });
  });
});

describe('finalResponsesEvent', () => {
  /** Ids are random per answer: the same answer twice differs only in them. */
  const withoutIds = (value: unknown) =>
    JSON.parse(JSON.stringify(value).replace(/"(resp|msg|rs|fc)_[0-9a-f]{24}"/g, '"id"'));

  it('issue 22: should give the last event of the stream, reasoning, text and calls included', async () => {
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'reasoning-delta', id: 'r', delta: 'Hm' },
      { type: 'text-delta', id: 't', delta: 'Hel' },
      { type: 'text-delta', id: 't', delta: 'lo' },
      { type: 'tool-input-start', id: 'call_1', toolName: 'f' },
      { type: 'tool-input-delta', id: 'call_1', delta: '{}' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'f', input: '{}' },
      finish({ unified: 'tool-calls', raw: 'tool_calls' }),
    ];
    const options = { model: 'openai/gpt-4.1', request: { instructions: 'Be terse.' } };
    async function* of(list: LanguageModelV3StreamPart[]) {
      yield* list;
    }
    const streamed: ResponsesEvent[] = [];
    for await (const event of toResponsesEvents(of(parts), options)) streamed.push(event);
    const last = await finalResponsesEvent(of(parts), options);
    expect(withoutIds(last)).toEqual(withoutIds(streamed.at(-1)));
    expect(last).toMatchObject({ type: 'response.completed', sequence_number: streamed.length - 1 });
    // Parts that stop without a finish: response.failed, as the stream ends.
    const cut = await finalResponsesEvent(of(parts.slice(0, 3)), options);
    expect(cut).toMatchObject({ type: 'response.failed', response: { error: { code: 'upstream_error' } } });
  });

  it('issue 22: should rethrow a failure, for an HTTP error', async () => {
    const error = new Error('reset');
    await expect(finalResponsesEvent(answer([{ type: 'error', error }]), { model: 'm', request: {} })).rejects.toBe(
      error,
    );
  });
});
