import type { RateLimitSnapshot } from '@pag/providers';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectionRow } from '../connections/to-connection-dto.ts';
import type { DomainContext } from '../domain-context.ts';
import { QUOTA_ROUTING_WAIT_MS, QuotaReader } from './quota-reader.ts';

const NOW = Date.parse('2026-12-06T12:00:00Z');

/** A connection whose stored snapshot (from headers) is `ageMs` old and says the 5-hour window is 80 % used. */
function connectionAged(ageMs: number): ConnectionRow {
  return {
    id: 'conn-1',
    userId: 'user-1',
    state: 'connected',
    rateLimits: {
      primary: { usedPercent: 80, windowMinutes: 300 },
      secondary: { usedPercent: 5, windowMinutes: 10_080 },
    },
    rateLimitsAt: new Date(NOW - ageMs),
  } as unknown as ConnectionRow;
}

function readerWith(connection: ConnectionRow, readUsage: () => Promise<RateLimitSnapshot>) {
  // No database: these cases never get to write (the reading never ends, or fails).
  const context = { db: undefined, now: () => NOW } as unknown as DomainContext;
  const log = { warn: vi.fn() };
  const reader = new QuotaReader({ context, findConnection: async () => connection, readUsage, log });
  return { reader, log };
}

describe('QuotaReader', () => {
  it('issue 19: a stale snapshot is read again before routing, but a slow endpoint holds the request only briefly', async () => {
    const readUsage = vi.fn(() => new Promise<RateLimitSnapshot>(() => {}));
    const { reader } = readerWith(connectionAged(10 * 60_000), readUsage);

    const startedAt = performance.now();
    const levels = await reader.levelsForRouting('user-1');

    expect(performance.now() - startedAt).toBeLessThan(QUOTA_ROUTING_WAIT_MS + 300);
    expect(readUsage).toHaveBeenCalledTimes(1);
    expect(levels).toEqual({ fiveHourUsedPercent: 80, weeklyUsedPercent: 5 });
    // A second request while the reading is still under way does not start another one.
    await reader.levelsForRouting('user-1');
    expect(readUsage).toHaveBeenCalledTimes(1);
  });

  it('issue 19: a fresh snapshot is used as it is; a failed reading keeps it and is not retried for a minute', async () => {
    const notAsked = vi.fn(async (): Promise<RateLimitSnapshot> => ({}));
    const fresh = readerWith(connectionAged(60_000), notAsked);
    expect(await fresh.reader.levelsForRouting('user-1')).toEqual({ fiveHourUsedPercent: 80, weeklyUsedPercent: 5 });
    expect(notAsked).not.toHaveBeenCalled();

    const readUsage = vi.fn(async (): Promise<RateLimitSnapshot> => {
      throw new Error('503 from the usage endpoint');
    });
    const { reader, log } = readerWith(connectionAged(10 * 60_000), readUsage);
    expect(await reader.levelsForRouting('user-1')).toEqual({ fiveHourUsedPercent: 80, weeklyUsedPercent: 5 });
    expect(readUsage).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith(
      expect.anything(),
      expect.stringContaining('keeping the last quota snapshot'),
    );
    expect(await reader.levelsForRouting('user-1')).toEqual({ fiveHourUsedPercent: 80, weeklyUsedPercent: 5 });
    expect(readUsage).toHaveBeenCalledTimes(1);
  });
});
