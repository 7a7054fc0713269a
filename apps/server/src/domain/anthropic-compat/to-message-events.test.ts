import type { LanguageModelV3StreamPart } from '@pag/providers';
import { describe, expect, it } from 'vitest';
import { collectMessage } from './collect-message.ts';
import { openThinkingSignature, sealThinkingSignature } from './thinking-signature.ts';
import { type MessageStreamItem, toMessageEvents } from './to-message-events.ts';

const USAGE = {
  inputTokens: { total: 120, noCache: 20, cacheRead: 100, cacheWrite: undefined },
  outputTokens: { total: 30, text: 25, reasoning: 5 },
};

async function* partsOf(parts: LanguageModelV3StreamPart[]): AsyncGenerator<LanguageModelV3StreamPart> {
  yield* parts;
}

async function itemsOf(parts: LanguageModelV3StreamPart[], isThinking = true): Promise<MessageStreamItem[]> {
  const items: MessageStreamItem[] = [];
  for await (const item of toMessageEvents(partsOf(parts), { id: 'msg_1', model: 'chatgpt/gpt-5.5', isThinking })) {
    items.push(item);
  }
  return items;
}

const finish = (unified: 'stop' | 'tool-calls' | 'length'): LanguageModelV3StreamPart => ({
  type: 'finish',
  finishReason: { unified, raw: undefined },
  usage: USAGE,
});

describe('toMessageEvents', () => {
  it('issue 20: numbers blocks in order and closes one before the next opens', async () => {
    const metadata = { codex: { itemId: 'rs_1', encryptedContent: 'gAAAAB-secret' } };
    const items = await itemsOf([
      { type: 'stream-start', warnings: [] },
      { type: 'reasoning-start', id: 'r1' },
      { type: 'reasoning-delta', id: 'r1', delta: 'Thinking' },
      { type: 'reasoning-end', id: 'r1', providerMetadata: metadata },
      { type: 'text-start', id: 't1' },
      { type: 'text-delta', id: 't1', delta: 'Hi' },
      // A provider that sends a whole call at once, with the text block still open.
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Paris"}' },
      finish('tool-calls'),
    ]);
    const events = items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const starts = events.flatMap((event) => (event.type === 'content_block_start' ? [event.index] : []));
    expect(starts).toEqual([0, 1, 2]);
    expect(events).toContainEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'signature_delta', signature: sealThinkingSignature(metadata) },
    });
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 20, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
    });
  });

  it('issue 20: collects the same events into the message a client would assemble', async () => {
    const message = await collectMessage(
      partsOf([
        { type: 'tool-input-start', id: 'call_1', toolName: 'get_weather' },
        { type: 'tool-input-delta', id: 'call_1', delta: '{"city":' },
        { type: 'tool-input-delta', id: 'call_1', delta: '"Paris"}' },
        { type: 'tool-input-end', id: 'call_1' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Paris"}' },
        finish('tool-calls'),
      ]),
      { id: 'msg_1', model: 'chatgpt/gpt-5.5', isThinking: false },
    );
    expect(message).toMatchObject({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'chatgpt/gpt-5.5',
      content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
      stop_reason: 'tool_use',
    });
  });

  it('issue 22: collects text and thinking, and rethrows a failure or an answer left unfinished', async () => {
    const options = { id: 'msg_1', model: 'chatgpt/gpt-5.5', isThinking: true };
    const message = await collectMessage(
      partsOf([
        { type: 'reasoning-start', id: 'r1' },
        { type: 'reasoning-delta', id: 'r1', delta: 'Think' },
        { type: 'reasoning-delta', id: 'r1', delta: 'ing' },
        { type: 'reasoning-end', id: 'r1' },
        { type: 'text-delta', id: 't1', delta: 'Hel' },
        { type: 'text-delta', id: 't1', delta: 'lo' },
        finish('stop'),
      ]),
      options,
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Thinking', signature: sealThinkingSignature(undefined) },
      { type: 'text', text: 'Hello' },
    ]);
    expect(message).toMatchObject({ stop_reason: 'end_turn', usage: { input_tokens: 20, output_tokens: 30 } });
    const failure = new Error('connection reset');
    await expect(
      collectMessage(
        partsOf([
          { type: 'text-delta', id: 't1', delta: 'x' },
          { type: 'error', error: failure },
        ]),
        options,
      ),
    ).rejects.toBe(failure);
    await expect(collectMessage(partsOf([{ type: 'text-delta', id: 't1', delta: 'x' }]), options)).rejects.toThrow(
      'without finishing',
    );
  });

  it('issue 20: leaves reasoning out when thinking is off, and maps length to max_tokens', async () => {
    const items = await itemsOf(
      [
        { type: 'reasoning-start', id: 'r1' },
        { type: 'reasoning-delta', id: 'r1', delta: 'hidden' },
        { type: 'reasoning-end', id: 'r1' },
        { type: 'text-delta', id: 't1', delta: 'cut' },
        finish('length'),
      ],
      false,
    );
    const events = items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
    expect(JSON.stringify(events)).not.toContain('hidden');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'message_delta', delta: expect.objectContaining({ stop_reason: 'max_tokens' }) }),
    );
  });

  it('issue 20: ends with an error item, never message_stop, when the parts stop without a finish', async () => {
    const items = await itemsOf([{ type: 'text-delta', id: 't1', delta: 'half' }]);
    expect(items.at(-1)?.kind).toBe('error');
    expect(items.some((item) => item.kind === 'event' && item.event.type === 'message_stop')).toBe(false);
  });
});

describe('thinking signatures', () => {
  it('issue 20: opens what it sealed, and nothing from a foreign or damaged signature', () => {
    const metadata = { codex: { itemId: 'rs_1', encryptedContent: 'gAAAAB-x' } };
    expect(openThinkingSignature(sealThinkingSignature(metadata))).toEqual(metadata);
    expect(openThinkingSignature('EqQBCkYIBxgCKkBreal-anthropic-signature')).toBeUndefined();
    expect(openThinkingSignature('pag1.not-json')).toBeUndefined();
    expect(openThinkingSignature(`pag1.${Buffer.from('[1,2]').toString('base64url')}`)).toBeUndefined();
  });
});
