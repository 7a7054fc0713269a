import { and, eq, isNotNull } from 'drizzle-orm';
import { connections } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import type { QuotaUsage } from './gateway-metrics.ts';

/** The snapshot's windows we expose: the 5-hour (`primary`) and weekly (`secondary`) ones (docs/codex-protocol.md). */
const WINDOWS = ['primary', 'secondary'] as const;

/**
 * The fullest account's used percentage per provider and quota window, from the rate-limit snapshots stored on the
 * connections (what the upstream's headers last said). One number per window, not one per user: a metric label
 * must never name a user, and the operator's question is "is anyone close to the limit" (docs/metrics.md).
 */
export async function readQuotaUsage(context: DomainContext): Promise<QuotaUsage[]> {
  const rows = await context.db
    .select({ provider: connections.provider, rateLimits: connections.rateLimits })
    .from(connections)
    .where(and(eq(connections.state, 'connected'), isNotNull(connections.rateLimits)));
  const highest = new Map<string, QuotaUsage>();
  for (const row of rows) {
    for (const window of WINDOWS) {
      // The snapshot is whatever the backend's headers said: read defensively.
      const value = (row.rateLimits as Record<string, unknown> | null)?.[window];
      const usedPercent =
        value != null && typeof value === 'object' ? (value as Record<string, unknown>).usedPercent : null;
      if (typeof usedPercent !== 'number' || !Number.isFinite(usedPercent)) continue;
      const key = `${row.provider}\0${window}`;
      const seen = highest.get(key);
      if (seen == null || usedPercent > seen.usedPercent) {
        highest.set(key, { provider: row.provider, window, usedPercent });
      }
    }
  }
  return [...highest.values()];
}
