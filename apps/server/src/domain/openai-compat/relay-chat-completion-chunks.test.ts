import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UpstreamConnectionError, UpstreamProtocolError } from '@pag/providers';
import { describe, expect, it, vi } from 'vitest';
import { relayChatCompletion } from './relay-chat-completion.ts';
import { relayChatCompletionChunks } from './relay-chat-completion-chunks.ts';
import type { ChatStreamItem } from './to-chat-completion-chunks.ts';

// Issue 7: the relay's amendments to upstream chunks, on the testkit's recorded OpenAI streams and on the shapes
// other compatible servers send (Ollama's `reasoning`, error chunks, cut-off streams).
const URL = 'http://127.0.0.1:1/v1/chat/completions';
const fixturesDir = join(dirname(createRequire(import.meta.url).resolve('@pag/testkit')), 'openai-api/__fixtures__');

/** The `data` payloads of a recorded chat stream (one JSON chunk per line). */
function recorded(name: string): string[] {
  return readFileSync(join(fixturesDir, `openai-${name}.chunks.txt`), 'utf8')
    .split('\n')
    .filter(Boolean);
}

async function relay(
  data: readonly string[],
  options: Partial<Parameters<typeof relayChatCompletionChunks>[1]> = {},
): Promise<ChatStreamItem[]> {
  async function* events() {
    yield* data;
  }
  const items: ChatStreamItem[] = [];
  for await (const item of relayChatCompletionChunks(events(), {
    model: 'openai/gpt-5-mini',
    includeUsage: false,
    reasoningOutput: 'field',
    url: URL,
    ...options,
  })) {
    items.push(item);
  }
  return items;
}

type Delta = { content?: string; reasoning_content?: string; reasoning?: string; tool_calls?: unknown[] };
const deltas = (items: ChatStreamItem[]) =>
  items.flatMap((item) =>
    item.kind === 'chunk' ? ((item.chunk as { choices: { delta: Delta }[] }).choices.map((c) => c.delta) ?? []) : [],
  );
const joined = (items: ChatStreamItem[], field: keyof Delta) =>
  deltas(items)
    .map((delta) => delta[field] ?? '')
    .join('');

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'llama3',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });

describe('relayChatCompletionChunks', () => {
  it('should rename the model in every chunk and drop the usage the client did not ask for', async () => {
    const items = await relay(recorded('text'));
    const chunks = items.flatMap((item) => (item.kind === 'chunk' ? [item.chunk as Record<string, unknown>] : []));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.model === 'openai/gpt-5-mini' && !('usage' in c))).toBe(true);
    expect(chunks.every((c) => (c.choices as unknown[]).length === 1)).toBe(true);
    expect(items.at(-1)).toMatchObject({ kind: 'usage', usage: { completion_tokens: expect.any(Number) } });
  });

  it('should keep the usage chunk when asked', async () => {
    const items = await relay(recorded('text'), { includeUsage: true });
    const last = items.filter((item) => item.kind === 'chunk').at(-1);
    expect(last?.kind === 'chunk' && last.chunk).toMatchObject({
      choices: [],
      usage: { prompt_tokens: expect.any(Number) },
    });
  });

  it('should show reasoning in the three displays, closing think tags before tool calls', async () => {
    const reasoning = joined(await relay(recorded('reasoning')), 'reasoning_content');
    expect(reasoning.length).toBeGreaterThan(0);
    const tags = await relay(recorded('reasoning'), { reasoningOutput: 'think-tags' });
    expect(joined(tags, 'content')).toMatch(new RegExp(`^<think>\\n${reasoning}\\n</think>\\n\\n.+`));
    expect(joined(tags, 'reasoning_content')).toBe('');
    const hidden = await relay(recorded('reasoning'), { reasoningOutput: 'hidden' });
    expect(joined(hidden, 'reasoning_content')).toBe('');
    // Reasoning-only chunks are not sent as empty deltas.
    const choices = hidden.flatMap((item) =>
      item.kind === 'chunk'
        ? (item.chunk as { choices: { delta: Delta; finish_reason: string | null }[] }).choices
        : [],
    );
    expect(choices.every((choice) => choice.finish_reason != null || Object.keys(choice.delta).length > 0)).toBe(true);

    const toolAfterThinking = await relay(
      [
        chunk({ role: 'assistant', content: '' }),
        chunk({ reasoning: 'Look it up.' }),
        chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }),
        chunk({}, 'tool_calls'),
        '[DONE]',
      ],
      { reasoningOutput: 'think-tags' },
    );
    expect(deltas(toolAfterThinking)).toEqual([
      { role: 'assistant', content: '' },
      { content: '<think>\nLook it up.' },
      { content: '\n</think>\n\n' },
      { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      {},
    ]);
  });

  it('should take Ollama’s `reasoning` field as reasoning_content', async () => {
    const items = await relay([chunk({ reasoning: 'hmm' }), chunk({ content: 'Hi' }, 'stop')]);
    expect(deltas(items)).toEqual([{ reasoning_content: 'hmm' }, { content: 'Hi' }]);
  });

  it('should end with a typed error on an error chunk, an unparsable chunk or a stream cut before its finish', async () => {
    const failed = await relay(recorded('error-mid-stream'));
    expect(failed.at(-1)).toMatchObject({
      kind: 'error',
      error: { message: expect.stringContaining('server had an error') },
    });
    const garbled = await relay([chunk({ content: 'Hi' }), '{not json']);
    expect(garbled.at(-1)).toMatchObject({ kind: 'error' });
    expect((garbled.at(-1) as { error: unknown }).error).toBeInstanceOf(UpstreamProtocolError);
    const cut = await relay([chunk({ content: 'Hi' })]);
    expect((cut.at(-1) as { error: unknown }).error).toBeInstanceOf(UpstreamConnectionError);
  });

  it('issue 22: should end the items at [DONE] and read the upstream’s rest aside, to its end', async () => {
    let releaseEnd: () => void = () => {};
    let wasReadToEnd = false;
    async function* events() {
      yield chunk({ content: 'Hi' }, 'stop');
      yield '[DONE]';
      // The upstream's own end comes later: the client's end must not wait for it.
      await new Promise<void>((resolve) => {
        releaseEnd = resolve;
      });
      yield chunk({ content: 'late' });
      wasReadToEnd = true;
    }
    const items: ChatStreamItem[] = [];
    for await (const item of relayChatCompletionChunks(events(), {
      model: 'openai/gpt-5-mini',
      includeUsage: false,
      reasoningOutput: 'field',
      url: URL,
    })) {
      items.push(item);
    }
    expect(joined(items, 'content')).toBe('Hi');
    expect(wasReadToEnd).toBe(false);
    releaseEnd();
    await vi.waitFor(() => expect(wasReadToEnd).toBe(true));
  });

  it('should ignore anything after [DONE] without stopping to read', async () => {
    const items = await relay([chunk({ content: 'Hi' }, 'stop'), '[DONE]', chunk({ content: 'late' })]);
    expect(joined(items, 'content')).toBe('Hi');
  });
});

describe('relayChatCompletion', () => {
  it('should rename the model, show reasoning as asked and read the usage', () => {
    const answer = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'deepseek-reasoner',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', reasoning: 'hmm' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    };
    const { completion, usage } = relayChatCompletion(structuredClone(answer), {
      model: 'openai/deepseek-reasoner',
      reasoningOutput: 'think-tags',
      url: URL,
    });
    expect(completion).toMatchObject({
      model: 'openai/deepseek-reasoner',
      choices: [{ message: { role: 'assistant', content: '<think>\nhmm\n</think>\n\nHi' } }],
    });
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('should turn a 200 carrying an error, or JSON that is no completion, into typed errors', () => {
    const options = { model: 'openai/x', reasoningOutput: 'field' as const, url: URL };
    expect(() => relayChatCompletion({ error: { message: 'Overloaded', type: 'server_error' } }, options)).toThrow(
      /Overloaded/,
    );
    expect(() => relayChatCompletion([1, 2], options)).toThrow(UpstreamProtocolError);
    expect(() => relayChatCompletion({ object: 'chat.completion' }, options)).toThrow(UpstreamProtocolError);
  });
});
