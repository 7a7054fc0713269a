import { describe, expect, it } from 'vitest';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { catchError } from '../test/catch-error.ts';
import type { UpstreamBodyReader } from './post-upstream.ts';
import { readSseFrames } from './read-sse-frames.ts';

const URL = 'https://upstream.example/stream';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A body that gives these chunks, then ends (or fails with `failure`). */
function bodyOf(chunks: readonly string[], failure?: Error): UpstreamBodyReader & { cancelled: boolean } {
  const queue = chunks.map((chunk) => encoder.encode(chunk));
  const body = {
    cancelled: false,
    read: async () => {
      const next = queue.shift();
      if (next != null) return { done: false as const, value: next };
      if (failure != null) throw failure;
      return { done: true as const, value: undefined };
    },
    cancel: async () => {
      body.cancelled = true;
    },
  };
  return body;
}

async function readAll(reader: UpstreamBodyReader): Promise<string[]> {
  const frames: string[] = [];
  for (let turn = 0; turn < 100; turn += 1) {
    const next = await reader.read();
    if (next.done) return frames;
    frames.push(decoder.decode(next.value));
  }
  throw new Error('more than 100 frames');
}

describe('issue 16: readSseFrames', () => {
  it('should give one whole event per read, bytes unchanged, however the chunks fall', async () => {
    const text = 'event: a\ndata: {"n":1}\n\n: comment\n\ndata: {"n":2}\n\nevent: b\ndata: x\ndata: y\n\n';
    const expected = [
      'event: a\ndata: {"n":1}\n\n',
      ': comment\n\n',
      'data: {"n":2}\n\n',
      'event: b\ndata: x\ndata: y\n\n',
    ];
    expect(await readAll(readSseFrames(bodyOf([text]), { url: URL }))).toEqual(expected);
    const byteByByte = [...text];
    expect(await readAll(readSseFrames(bodyOf(byteByByte), { url: URL }))).toEqual(expected);
    expect((await readAll(readSseFrames(bodyOf(byteByByte), { url: URL }))).join('')).toBe(text);
  });

  it('should end events at CRLF and CR blank lines too, keeping the CRLF with its event', async () => {
    const text = 'data: 1\r\n\r\ndata: 2\r\rdata: 3\n\n';
    expect(await readAll(readSseFrames(bodyOf([text]), { url: URL }))).toEqual([
      'data: 1\r\n\r\n',
      'data: 2\r\r',
      'data: 3\n\n',
    ]);
    // Split inside the CRLF: every byte still arrives, in order.
    const split = await readAll(readSseFrames(bodyOf(['data: 1\r\n\r', '\ndata: 2\n\n']), { url: URL }));
    expect(split.join('')).toBe('data: 1\r\n\r\ndata: 2\n\n');
    expect(split[0]).toBe('data: 1\r\n\r');
  });

  it('should drop half an event when the body breaks off, and fail typed', async () => {
    const reader = readSseFrames(bodyOf(['data: 1\n\ndata: {"half'], new Error('other side closed')), { url: URL });
    expect(decoder.decode((await reader.read()).value)).toBe('data: 1\n\n');
    const error = await catchError(reader.read());
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('should deliver an event left without its blank line at a clean end, with one', async () => {
    expect(await readAll(readSseFrames(bodyOf(['data: 1\n\ndata: 2']), { url: URL }))).toEqual([
      'data: 1\n\n',
      'data: 2\n\n',
    ]);
  });

  it('should cancel the body it reads', async () => {
    const body = bodyOf(['data: 1\n\n']);
    await readSseFrames(body, { url: URL }).cancel();
    expect(body.cancelled).toBe(true);
  });
});
