import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { throwIfStreamErrorBeforeOutput } from './throw-if-stream-error-before-output.ts';

type Part = LanguageModelV3StreamPart;

const finish: Part = {
  type: 'finish',
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: {
    inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 1, text: 1, reasoning: undefined },
  },
};

/** Hands out one part per read, then closes or fails (erroring at once would drop the queued parts). */
function streamOf(parts: Part[], failure?: unknown): ReadableStream<Part> {
  const queue = [...parts];
  return new ReadableStream(
    {
      pull(controller) {
        const part = queue.shift();
        if (part != null) controller.enqueue(part);
        else if (failure != null) controller.error(failure);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

describe('throwIfStreamErrorBeforeOutput', () => {
  it('should throw an error part that comes before any output, mapped', async () => {
    const stream = streamOf([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'r1' },
      { type: 'error', error: 'boom' },
      finish,
    ]);
    await expect(
      throwIfStreamErrorBeforeOutput(stream, (error) => new Error(`mapped ${String(error)}`)),
    ).rejects.toThrow('mapped boom');
  });

  it('should replay what it read and map later error parts', async () => {
    const stream = streamOf([
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      { type: 'error', error: 'late' },
      { type: 'text-end', id: 't' },
      finish,
    ]);
    const parts = await convertStreamToArray(
      await throwIfStreamErrorBeforeOutput(stream, (error) => `mapped ${String(error)}`),
    );
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      { type: 'error', error: 'mapped late' },
      { type: 'text-end', id: 't' },
      finish,
    ]);
  });

  it('should close open blocks, then add an error and a finish when the stream breaks after output', async () => {
    const stream = streamOf(
      [
        { type: 'stream-start', warnings: [] },
        { type: 'reasoning-start', id: 'r' },
        { type: 'reasoning-end', id: 'r' },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Hi' },
        { type: 'tool-input-start', id: 'c', toolName: 'x' },
      ],
      new TypeError('terminated'),
    );
    const connectionError = new UpstreamConnectionError({
      message: 'dropped',
      url: 'http://x.invalid',
      cause: undefined,
    });
    const parts = await convertStreamToArray(await throwIfStreamErrorBeforeOutput(stream, () => connectionError));
    expect(parts.slice(-4)).toEqual([
      { type: 'text-end', id: 't' },
      { type: 'tool-input-end', id: 'c' },
      { type: 'error', error: connectionError },
      expect.objectContaining({ type: 'finish', finishReason: { unified: 'error', raw: undefined } }),
    ]);
  });

  it('should end the stream at once when the caller aborts', async () => {
    const controller = new AbortController();
    let cancelled = false;
    const stream = new ReadableStream<Part>({
      start(streamController) {
        streamController.enqueue({ type: 'stream-start', warnings: [] });
        streamController.enqueue({ type: 'text-start', id: 't' });
        streamController.enqueue({ type: 'text-delta', id: 't', delta: 'a' });
        streamController.enqueue({ type: 'text-delta', id: 't', delta: 'b' });
      },
      cancel() {
        cancelled = true;
      },
    });
    const reader = (await throwIfStreamErrorBeforeOutput(stream, undefined, controller.signal)).getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    expect(cancelled).toBe(true);
  });
});
