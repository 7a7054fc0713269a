// @vitest-environment happy-dom
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { GatewayClientError } from '../gateway-client-error.ts';
import { gate, scriptedClient } from '../testing/scripted-client.ts';
import { useAiStream } from './use-ai-stream.ts';

const DONE = {
  type: 'done',
  model: 'chatgpt/gpt-5.5',
  provider: 'chatgpt',
  usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 2, reasoningTokens: 0, totalTokens: 3 },
  finishReason: 'stop',
} as const;

describe('issue 18: useAiStream', () => {
  it('issue 18: streams text and reasoning, shows resuming while the client reconnects, then done with output', async () => {
    const drop = gate();
    const { client } = scriptedClient([
      [
        { type: 'reasoning', text: 'Thinking' },
        { type: 'delta', text: 'Hel' },
        { resuming: 1 },
        { wait: drop.promise },
        { type: 'delta', text: 'lo' },
        { ...DONE, output: { tags: ['x'] } } as typeof DONE,
      ],
    ]);
    const { result } = renderHook(() => useAiStream(client));
    expect(result.current.status).toBe('idle');
    act(() => result.current.start({ content: 'Hi' }));
    await waitFor(() => expect(result.current.status).toBe('resuming'));
    expect(result.current).toMatchObject({ text: 'Hel', reasoning: 'Thinking', error: null });
    act(() => drop.open());
    await waitFor(() => expect(result.current.status).toBe('done'));
    expect(result.current).toMatchObject({
      text: 'Hello',
      output: { tags: ['x'] },
      result: { model: 'chatgpt/gpt-5.5' },
    });
  });

  it('issue 18: stop() aborts the request and leaves the text written so far; nothing is resumed', async () => {
    const never = gate();
    const scripted = scriptedClient([
      [{ type: 'delta', text: 'Once' }, { wait: never.promise }, { type: 'delta', text: 'x' }],
    ]);
    const { result } = renderHook(() => useAiStream(scripted.client));
    act(() => result.current.start({ content: 'Hi' }));
    await waitFor(() => expect(result.current.text).toBe('Once'));
    act(() => result.current.stop());
    expect(result.current.status).toBe('stopped');
    expect(scripted.aborted).toEqual([true]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(result.current).toMatchObject({ status: 'stopped', text: 'Once', error: null });
    expect(scripted.requests).toHaveLength(1);
  });

  it('issue 18: a gateway error is typed with retryAfter, an error event too, and retry() asks again', async () => {
    const limit = new GatewayClientError({
      status: 429,
      code: 'usage_limit_reached',
      message: 'The limit resets at 14:00.',
      retryAfter: 600,
    });
    const scripted = scriptedClient([
      [{ throw: limit }],
      [
        { type: 'delta', text: 'Hal' },
        { type: 'error', code: 'upstream_error', message: 'The model stopped.', retryAfter: 5 },
      ],
      [{ type: 'delta', text: 'Hello' }, DONE],
    ]);
    const { result } = renderHook(() => useAiStream(scripted.client));
    act(() => result.current.start({ content: 'Hi' }));
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error).toBe(limit);
    expect(result.current.error?.retryAfter).toBe(600);

    act(() => result.current.retry());
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error).toBeInstanceOf(GatewayClientError);
    expect(result.current.error).toMatchObject({ code: 'upstream_error', retryAfter: 5, status: null });
    expect(result.current.text).toBe('Hal');

    act(() => result.current.retry());
    await waitFor(() => expect(result.current.status).toBe('done'));
    expect(result.current).toMatchObject({ text: 'Hello', error: null });
    expect(scripted.requests).toEqual([{ content: 'Hi' }, { content: 'Hi' }, { content: 'Hi' }]);
  });

  it('issue 18: a new start() stops the running answer, and its late events never reach the new one', async () => {
    const first = gate();
    const scripted = scriptedClient([
      [{ type: 'delta', text: 'old' }, { wait: first.promise }, { type: 'delta', text: ' late' }],
      [{ type: 'delta', text: 'new' }, DONE],
    ]);
    const { result } = renderHook(() => useAiStream(scripted.client));
    act(() => result.current.start({ content: 'one' }));
    await waitFor(() => expect(result.current.text).toBe('old'));
    act(() => result.current.start({ content: 'two' }));
    act(() => first.open());
    await waitFor(() => expect(result.current.status).toBe('done'));
    expect(result.current.text).toBe('new');
    expect(scripted.aborted[0]).toBe(true);
  });

  it('issue 18: unmounting stops the answer', async () => {
    const never = gate();
    const scripted = scriptedClient([[{ type: 'delta', text: 'Once' }, { wait: never.promise }]]);
    const { result, unmount } = renderHook(() => useAiStream(scripted.client));
    act(() => result.current.start({ content: 'Hi' }));
    await waitFor(() => expect(result.current.text).toBe('Once'));
    unmount();
    expect(scripted.aborted).toEqual([true]);
  });
});
