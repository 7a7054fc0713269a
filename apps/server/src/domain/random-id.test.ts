import { describe, expect, it } from 'vitest';
import { randomId } from './random-id.ts';

describe('randomId (issue 22)', () => {
  it('should give the bytes asked for, never the same id twice across pool refills', () => {
    const ids = Array.from({ length: 1000 }, () => randomId(12, 'hex'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    const streamIds = Array.from({ length: 1000 }, () => randomId(16, 'base64url'));
    for (const id of streamIds) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(new Set([...ids, ...streamIds]).size).toBe(2000);
  });
});
