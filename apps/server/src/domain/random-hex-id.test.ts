import { describe, expect, it } from 'vitest';
import { randomHexId } from './random-hex-id.ts';

describe('randomHexId (issue 22)', () => {
  it('should give 24 hex characters, never the same twice across pool refills', () => {
    const ids = Array.from({ length: 1000 }, () => randomHexId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
