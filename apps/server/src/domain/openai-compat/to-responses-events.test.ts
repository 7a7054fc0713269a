import { type LanguageModelV3FinishReason, type LanguageModelV3StreamPart, UpstreamApiError } from '@pag/providers';
import { describe, expect, it } from 'vitest';
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
