import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readNodeBody } from './read-node-body.ts';

// Issue 22: the relay's body reader without the stream's async iterator; same chunks, same end, same backpressure.
const bytes = (text: string) => Buffer.from(text);
const text = (value: Uint8Array | undefined) => Buffer.from(value ?? []).toString();

describe('readNodeBody', () => {
  it('should hand each chunk to the read waiting for it, then end', async () => {
    const body = new PassThrough();
    const reader = readNodeBody(body);
    const first = reader.read();
    body.write(bytes('a'));
    expect(text((await first).value)).toBe('a');
    const second = reader.read();
    body.end(bytes('b'));
    expect(text((await second).value)).toBe('b');
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('should take nothing more from the body while no read waits, and go on once one does', async () => {
    const body = new PassThrough({ highWaterMark: 4 });
    const reader = readNodeBody(body);
    body.write(bytes('one'));
    await new Promise((resolve) => setImmediate(resolve));
    // The chunk that arrived unasked is kept and the body paused: what follows stays in the body's buffer, and once
    // that is full the writer is told to wait (undici then stops reading the socket).
    expect(body.isPaused()).toBe(true);
    expect(body.write(bytes('two'))).toBe(true);
    expect(body.write(bytes('three'))).toBe(false);
    expect(text((await reader.read()).value)).toBe('one');
    const rest: string[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      rest.push(text(next.value));
      if (rest.join('') === 'twothree') body.end();
    }
    expect(rest.join('')).toBe('twothree');
  });

  it('should throw the body’s error, also to a read already waiting', async () => {
    const body = new PassThrough();
    const reader = readNodeBody(body);
    const waiting = reader.read();
    body.destroy(new Error('socket hang up'));
    await expect(waiting).rejects.toThrow('socket hang up');
    await expect(reader.read()).rejects.toThrow('socket hang up');
  });

  it('should throw when the body closes before its end', async () => {
    const body = new PassThrough();
    const reader = readNodeBody(body);
    body.destroy();
    await expect(reader.read()).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('should destroy the body on cancel', async () => {
    const body = new PassThrough();
    const reader = readNodeBody(body);
    await reader.cancel();
    expect(body.destroyed).toBe(true);
  });
});
