import type { LanguageModelV3StreamPart } from '@pag/providers';
import { describe, expect, it } from 'vitest';
import { peekFirstOutput } from './peek-first-output.ts';

type Part = LanguageModelV3StreamPart;

const FINISH: Part = {
  type: 'finish',
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: {
    inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: undefined },
    outputTokens: { total: 2, text: 2, reasoning: 0 },
  },
};
const PARTS: Part[] = [
  { type: 'stream-start', warnings: [{ type: 'unsupported', feature: 'topK' }] },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Hel' },
  { type: 'text-delta', id: 't', delta: 'lo' },
  { type: 'text-end', id: 't' },
  FINISH,
];

/** A stream of `parts` that then fails with `failure` (or closes), and what happened to it. */
function sourceOf(parts: Part[], failure?: Error) {
  const seen = { cancelled: false, pulls: 0 };
  let index = 0;
  const stream = new ReadableStream<Part>(
    {
      pull(controller) {
        seen.pulls += 1;
        const part = parts[index++];
        if (part != null) controller.enqueue(part);
        else if (failure != null) controller.error(failure);
        else controller.close();
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

// Issue 22: a plain iterator replaced the async generators around the parts; what they did is held here.
describe('peekFirstOutput', () => {
  it('should read up to the first output, then replay and continue, showing every part to the observer once', async () => {
    const { stream, seen } = sourceOf(PARTS);
    const observed: Part[] = [];
    const { parts, warnings } = await peekFirstOutput(stream, (part) => observed.push(part));
    expect(warnings).toEqual([{ type: 'unsupported', feature: 'topK' }]);
    expect(seen.pulls).toBe(3);
    expect(observed).toEqual([]);
    const read: Part[] = [];
    for await (const part of parts) read.push(part);
    expect(read).toEqual(PARTS);
    expect(observed).toEqual(PARTS);
    expect(seen.cancelled).toBe(false);
    // The lock is released at the end: the stream can be read (and is done).
    await expect(stream.getReader().read()).resolves.toEqual({ done: true, value: undefined });
  });

  it('should throw an error part or a failure that comes before any output, and cancel the stream', async () => {
    const failing = sourceOf([PARTS[0] as Part, { type: 'error', error: new Error('usage limit') }, ...PARTS.slice(1)]);
    await expect(peekFirstOutput(failing.stream)).rejects.toThrow('usage limit');
    expect(failing.seen.cancelled).toBe(true);
    const broken = sourceOf([PARTS[0] as Part], new Error('reset'));
    await expect(peekFirstOutput(broken.stream)).rejects.toThrow('reset');
  });

  it('should cancel the stream when the reader leaves early, and only then', async () => {
    const { stream, seen } = sourceOf(PARTS);
    const { parts } = await peekFirstOutput(stream);
    for await (const part of parts) if (part.type === 'text-delta') break;
    expect(seen.cancelled).toBe(true);
  });

  it('should hand on a failure after output, letting go of the stream', async () => {
    const { stream } = sourceOf(PARTS.slice(0, 3), new Error('reset'));
    const observed: Part[] = [];
    const { parts } = await peekFirstOutput(stream, (part) => observed.push(part));
    const read: Part[] = [];
    await expect(
      (async () => {
        for await (const part of parts) read.push(part);
      })(),
    ).rejects.toThrow('reset');
    expect(read).toEqual(PARTS.slice(0, 3));
    expect(observed).toEqual(read);
    expect(stream.locked).toBe(false);
  });

  it('should replay a stream that ended before any output', async () => {
    const { stream } = sourceOf(PARTS.slice(0, 2));
    const { parts } = await peekFirstOutput(stream);
    const read: Part[] = [];
    for await (const part of parts) read.push(part);
    expect(read).toEqual(PARTS.slice(0, 2));
    expect(stream.locked).toBe(false);
  });
});
