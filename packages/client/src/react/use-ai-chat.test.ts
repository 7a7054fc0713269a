// @vitest-environment happy-dom
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gate, scriptedClient } from '../testing/scripted-client.ts';
import { useAiChat } from './use-ai-chat.ts';

const DONE = {
  type: 'done',
  model: 'chatgpt/gpt-5.5',
  provider: 'chatgpt',
  usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 2, reasoningTokens: 0, totalTokens: 3 },
  finishReason: 'stop',
} as const;

describe('issue 18: useAiChat', () => {
  it('issue 18: sends the history with each message and streams the answer into the last message', async () => {
    const scripted = scriptedClient([
      [{ type: 'delta', text: 'It is ' }, { type: 'delta', text: 'about cats.' }, DONE],
      [{ type: 'delta', text: 'Three.' }, DONE],
    ]);
    const { result } = renderHook(() =>
      useAiChat(scripted.client, { model: 'chatgpt/gpt-5.5', system: 'The note: cats.' }),
    );
    act(() => result.current.send('What is it about?'));
    await waitFor(() => expect(result.current.status).toBe('done'));
    expect(result.current.messages).toEqual([
      { role: 'user', content: 'What is it about?' },
      { role: 'assistant', content: 'It is about cats.' },
    ]);
    act(() => result.current.send('How many?'));
    await waitFor(() => expect(result.current.messages).toHaveLength(4));
    await waitFor(() => expect(result.current.status).toBe('done'));
    expect(scripted.requests[1]).toEqual({
      model: 'chatgpt/gpt-5.5',
      system: 'The note: cats.',
      messages: [
        { role: 'user', content: 'What is it about?' },
        { role: 'assistant', content: 'It is about cats.' },
        { role: 'user', content: 'How many?' },
      ],
    });
    expect(result.current.messages[3]).toEqual({ role: 'assistant', content: 'Three.' });
  });

  it('issue 18: stop keeps the partial answer in the history; retry replaces it; reset starts over', async () => {
    const never = gate();
    const scripted = scriptedClient([
      [{ type: 'delta', text: 'Partial' }, { wait: never.promise }],
      [{ type: 'delta', text: 'Whole answer' }, DONE],
    ]);
    const { result } = renderHook(() => useAiChat(scripted.client));
    act(() => result.current.send('Hi'));
    await waitFor(() => expect(result.current.messages).toHaveLength(2));
    act(() => result.current.stop());
    expect(result.current.status).toBe('stopped');
    expect(result.current.messages[1]).toEqual({ role: 'assistant', content: 'Partial' });
    act(() => result.current.retry());
    await waitFor(() => expect(result.current.status).toBe('done'));
    expect(result.current.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Whole answer' },
    ]);
    expect(scripted.requests[1]).toEqual(scripted.requests[0]);
    act(() => result.current.reset());
    expect(result.current).toMatchObject({ messages: [], status: 'idle' });
  });
});
