import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { createRecordingFetch } from '../test/create-recording-fetch.ts';
import { createOpenAiCompatibleChatModel } from './openai-chat-model.ts';
import { OpenAiChatStreamState } from './openai-chat-stream-state.ts';

const URL_ = 'https://api.openai.example/v1/chat/completions';

function run(events: unknown[], options: { end?: boolean } = {}): LanguageModelV3StreamPart[] {
  const state = new OpenAiChatStreamState({ url: URL_, providerName: 'openai', includeRawChunks: false });
  const parts: LanguageModelV3StreamPart[] = [];
  for (const event of events) {
    parts.push(...state.handleEvent(typeof event === 'string' ? event : JSON.stringify(event)));
    if (state.isComplete) break;
  }
  if (options.end !== false) parts.push(...state.finish());
  return parts;
}

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
  id: 'c1',
  model: 'm',
  created: 1,
  choices: [{ index: 0, delta, finish_reason: finishReason }],
});

describe('OpenAiChatStreamState', () => {
  it('issue 22: an invalid chunk is an error part; the answer still ends with its own finish reason', () => {
    const parts = run([chunk({ content: 'Hi' }), { choices: 'no' }, chunk({}, 'stop'), '[DONE]']);
    const errors = parts.filter((part) => part.type === 'error');
    expect(errors).toHaveLength(1);
    expect((errors[0] as { error: unknown }).error).toBeInstanceOf(UpstreamProtocolError);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } });
  });

  it('issue 22: an error chunk after output ends the answer as failed', () => {
    const parts = run([chunk({ content: 'Hi' }), { error: { message: 'overloaded', type: 'server_error' } }]);
    expect(parts.map((part) => part.type)).toEqual([
      'response-metadata',
      'text-start',
      'text-delta',
      'error',
      'text-end',
      'finish',
    ]);
    expect(parts.at(-1)).toMatchObject({ finishReason: { unified: 'error' } });
  });

  it('issue 22: a body that ends without a finish reason was cut off', () => {
    const parts = run([chunk({ content: 'Hi' })]);
    const error = parts.find((part) => part.type === 'error') as { error: unknown };
    expect(error.error).toBeInstanceOf(UpstreamConnectionError);
    expect(parts.at(-1)).toMatchObject({ finishReason: { unified: 'error' } });
  });

  it('issue 22: a tool call that never names its tool is a protocol error, not a call', () => {
    const parts = run([
      chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(parts.some((part) => part.type === 'tool-call' || part.type === 'tool-input-start')).toBe(false);
    expect(parts.find((part) => part.type === 'error')).toMatchObject({ error: expect.any(UpstreamProtocolError) });
  });

  it('issue 22: a refusal is text and the finish is content-filter', () => {
    const parts = run([chunk({ refusal: "I can't help with that." }), chunk({ refusal: false }, 'stop'), '[DONE]']);
    expect(parts.filter((part) => part.type === 'text-delta')).toEqual([
      { type: 'text-delta', id: 'txt-0', delta: "I can't help with that." },
    ]);
    expect(parts.at(-1)).toMatchObject({ finishReason: { unified: 'content-filter', raw: 'stop' } });
  });

  it('issue 22: content as parts — text, and Mistral thinking as reasoning — in the order they came', () => {
    const parts = run([
      chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Hmm.' }] }] }),
      chunk({ content: [{ type: 'text', text: 'Yes.' }] }),
      chunk({ reasoning: 'More.' }, 'stop'),
      '[DONE]',
    ]);
    expect(parts.filter((part) => part.type !== 'response-metadata' && part.type !== 'finish')).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Hmm.' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'txt-0' },
      { type: 'text-delta', id: 'txt-0', delta: 'Yes.' },
      { type: 'text-end', id: 'txt-0' },
      { type: 'reasoning-start', id: 'reasoning-1' },
      { type: 'reasoning-delta', id: 'reasoning-1', delta: 'More.' },
      { type: 'reasoning-end', id: 'reasoning-1' },
    ]);
  });

  it('issue 22: the answer is complete at [DONE], even when the upstream keeps the body open', async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk({ content: 'Hi' }, 'stop'))}\n\n`));
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        // …and never closes.
      },
    });
    const { fetch } = createRecordingFetch(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    const model = createOpenAiCompatibleChatModel({
      baseUrl: 'https://api.openai.example/v1',
      apiKey: 'sk-test',
      modelId: 'm',
      fetch,
      providerName: 'openai',
    });
    const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
    const parts = await convertStreamToArray(stream);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
  });
});
