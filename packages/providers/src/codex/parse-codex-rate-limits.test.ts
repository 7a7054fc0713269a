import { describe, expect, it } from 'vitest';
import { parseCodexRateLimits } from './parse-codex-rate-limits.ts';

describe('parseCodexRateLimits', () => {
  it('should return undefined without x-codex headers', () => {
    expect(parseCodexRateLimits(new Headers({ 'content-type': 'text/event-stream' }))).toBeUndefined();
  });

  it('should fall back to reset-after-seconds and parse booleans in any case', () => {
    const now = Date.parse('2026-11-01T00:00:00Z');
    const snapshot = parseCodexRateLimits(
      new Headers({
        'X-Codex-Primary-Used-Percent': '42.5',
        'x-codex-primary-reset-after-seconds': '60',
        'x-codex-credits-has-credits': 'True',
        'x-codex-credits-unlimited': '0',
        'x-codex-secondary-used-percent': 'n/a',
      }),
      now,
    );
    expect(snapshot).toEqual({
      primary: { usedPercent: 42.5, windowMinutes: undefined, resetsAt: new Date('2026-11-01T00:01:00Z') },
      credits: { hasCredits: true, unlimited: false, balance: undefined },
    });
  });
});
