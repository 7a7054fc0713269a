import type { QuotaWindow, UsageQuota } from '@pag/contracts';
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { connections } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

/** The two windows the Codex backend reports in its `x-codex-*` headers (docs/codex-protocol.md). */
const WINDOW_NAMES = { primary: 'primary', secondary: 'secondary' } as const;

/**
 * `GET /api/usage/quota` for now: the subscription's quota windows from the last response headers the gateway saw
 * (`connections.rate_limits`), or no windows before the first request. The live usage endpoint and the history come
 * with part U3 of issue 19. Read defensively: the snapshot is whatever the backend's headers said.
 */
export function readQuotaSnapshot(context: DomainContext, userId: string): UsageQuota {
  const row = context.db
    .select({ rateLimits: connections.rateLimits, rateLimitsAt: connections.rateLimitsAt })
    .from(connections)
    .where(
      and(eq(connections.userId, userId), eq(connections.provider, 'chatgpt'), isNotNull(connections.rateLimitsAt)),
    )
    .orderBy(desc(connections.rateLimitsAt))
    .limit(1)
    .get();
  if (row?.rateLimits == null || row.rateLimitsAt == null) {
    return { windows: [], fetchedAt: null, source: null, history: [] };
  }
  const windows: QuotaWindow[] = [];
  for (const [field, name] of Object.entries(WINDOW_NAMES)) {
    const value = row.rateLimits[field];
    if (value == null || typeof value !== 'object') continue;
    const { usedPercent, windowMinutes, resetsAt } = value as Record<string, unknown>;
    if (typeof usedPercent !== 'number') continue;
    windows.push({
      name,
      usedPercent,
      windowMinutes: typeof windowMinutes === 'number' ? windowMinutes : null,
      resetsAt: typeof resetsAt === 'string' ? resetsAt : null,
    });
  }
  return { windows, fetchedAt: row.rateLimitsAt.toISOString(), source: 'headers', history: [] };
}
