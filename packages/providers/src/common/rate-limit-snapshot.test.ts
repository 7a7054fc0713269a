import { describe, expect, it } from 'vitest';
import { isSameRateLimitSnapshot, type RateLimitSnapshot } from './rate-limit-snapshot.ts';

const snapshot = (): RateLimitSnapshot => ({
  primary: { usedPercent: 12, windowMinutes: 300, resetsAt: new Date(1_796_000_000_000) },
  secondary: { usedPercent: 34, windowMinutes: 10_080, resetsAt: new Date(1_796_300_000_000) },
  credits: { hasCredits: false, unlimited: false, balance: '0' },
  planType: 'plus',
  activeLimit: 'codex',
});

describe('isSameRateLimitSnapshot', () => {
  it('holds two snapshots of the same limits equal, dates compared by time', () => {
    expect(isSameRateLimitSnapshot(snapshot(), snapshot())).toBe(true);
    expect(isSameRateLimitSnapshot({}, {})).toBe(true);
  });

  // Every field the JSON written to the connection carries: a change in any one of them is a new snapshot to store.
  const changes: Array<[string, (value: RateLimitSnapshot) => void]> = [
    ['primary used percent', (value) => Object.assign(value.primary ?? {}, { usedPercent: 13 })],
    ['primary window', (value) => Object.assign(value.primary ?? {}, { windowMinutes: 60 })],
    [
      'primary reset by one ms',
      (value) => Object.assign(value.primary ?? {}, { resetsAt: new Date(1_796_000_000_001) }),
    ],
    ['primary reset gone', (value) => Object.assign(value.primary ?? {}, { resetsAt: undefined })],
    ['primary window gone', (value) => delete value.primary],
    ['secondary used percent', (value) => Object.assign(value.secondary ?? {}, { usedPercent: 35 })],
    ['secondary reset', (value) => Object.assign(value.secondary ?? {}, { resetsAt: new Date(0) })],
    ['credits flag', (value) => Object.assign(value.credits ?? {}, { hasCredits: true })],
    ['credits unlimited', (value) => Object.assign(value.credits ?? {}, { unlimited: undefined })],
    ['credits balance', (value) => Object.assign(value.credits ?? {}, { balance: '5' })],
    ['credits gone', (value) => delete value.credits],
    ['plan', (value) => Object.assign(value, { planType: 'pro' })],
    ['active limit', (value) => Object.assign(value, { activeLimit: 'premium' })],
  ];
  it.each(changes)('tells a snapshot apart when its %s changed', (_name, change) => {
    const changed = snapshot();
    change(changed);
    expect(isSameRateLimitSnapshot(snapshot(), changed)).toBe(false);
    expect(isSameRateLimitSnapshot(changed, snapshot())).toBe(false);
  });

  it('tells an empty credits object from none, as their JSON differs', () => {
    const withEmptyCredits: RateLimitSnapshot = {
      credits: { hasCredits: undefined, unlimited: undefined, balance: undefined },
    };
    expect(JSON.stringify(withEmptyCredits)).not.toBe(JSON.stringify({}));
    expect(isSameRateLimitSnapshot(withEmptyCredits, {})).toBe(false);
  });
});
