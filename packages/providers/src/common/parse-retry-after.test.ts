import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './parse-retry-after.ts';

describe('parseRetryAfter', () => {
  it('should read seconds, an HTTP date and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }))).toBe(7);
    expect(parseRetryAfter({ 'Retry-After': '3' })).toBe(3);
    const now = Date.parse('2026-11-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Sun, 01 Nov 2026 00:00:30 GMT' }), now)).toBe(30);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1.5);
  });

  it('should return undefined when absent or unparsable', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'later' }))).toBeUndefined();
  });
});
