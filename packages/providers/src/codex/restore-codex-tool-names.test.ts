import { describe, expect, it } from 'vitest';
import type { UpstreamBodyReader } from '../common/post-upstream.ts';
import { CodexToolNames } from './codex-tool-names.ts';
import { restoreCodexToolNames } from './restore-codex-tool-names.ts';

function readerOf(chunks: string[]): UpstreamBodyReader & { cancelled: boolean } {
  const encoder = new TextEncoder();
  const queue = chunks.map((chunk) => encoder.encode(chunk));
  const reader = {
    cancelled: false,
    read: async () => {
      const value = queue.shift();
      return value == null ? { done: true as const, value: undefined } : { done: false as const, value };
    },
    cancel: async () => {
      reader.cancelled = true;
    },
  };
  return reader;
}

async function readAll(reader: UpstreamBodyReader): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (let next = await reader.read(); !next.done; next = await reader.read()) text += decoder.decode(next.value);
  return text;
}

const event = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

describe('restoreCodexToolNames', () => {
  it('issue 14: should put the caller’s names back in calls, outputs and the request echo', async () => {
    const names = new CodexToolNames(['notes.search', 'get_weather']);
    const call = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'notes_search', arguments: '{}' };
    const stream = [
      event('response.created', {
        response: {
          tools: [
            { type: 'function', name: 'notes_search' },
            { type: 'function', name: 'get_weather' },
          ],
          tool_choice: { type: 'function', name: 'notes_search' },
          output: [],
        },
      }),
      event('response.output_item.added', { output_index: 0, item: call }),
      event('response.function_call_arguments.delta', { item_id: 'fc_1', delta: '{}' }),
      event('response.output_item.done', { output_index: 0, item: { ...call, status: 'completed' } }),
      event('response.completed', { response: { output: [call], tools: [], tool_choice: 'auto' } }),
    ];
    // Cut mid-event, as network reads are.
    const text = stream.join('');
    const restored = await readAll(restoreCodexToolNames(readerOf([text.slice(0, 100), text.slice(100)]), names));

    const blocks = restored.split('\n\n').filter((block) => block !== '');
    const data = blocks.map((block) => JSON.parse(block.split('\ndata: ')[1] ?? ''));
    expect(blocks.map((block) => block.split('\n')[0])).toEqual([
      'event: response.created',
      'event: response.output_item.added',
      'event: response.function_call_arguments.delta',
      'event: response.output_item.done',
      'event: response.completed',
    ]);
    expect(data[0].response.tools.map((tool: { name: string }) => tool.name)).toEqual(['notes.search', 'get_weather']);
    expect(data[0].response.tool_choice).toEqual({ type: 'function', name: 'notes.search' });
    expect(data[1].item.name).toBe('notes.search');
    expect(data[2]).toEqual({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', delta: '{}' });
    expect(data[3].item).toMatchObject({ name: 'notes.search', status: 'completed' });
    expect(data[4].response.output[0].name).toBe('notes.search');
  });

  it('should hand the body back untouched when no name was changed', () => {
    const body = readerOf([]);

    expect(restoreCodexToolNames(body, new CodexToolNames(['get_weather']))).toBe(body);
  });

  it('should keep events it cannot parse, line by line, and pass cancel on', async () => {
    const body = readerOf(['event: odd\ndata: not json\ndata: second line\n\n', 'data: [DONE]\n\n']);
    const restored = restoreCodexToolNames(body, new CodexToolNames(['a.b']));

    expect(await readAll(restored)).toBe('event: odd\ndata: not json\ndata: second line\n\ndata: [DONE]\n\n');
    await restored.cancel();
    expect(body.cancelled).toBe(true);
  });
});
