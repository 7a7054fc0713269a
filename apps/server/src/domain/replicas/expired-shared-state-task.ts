import { lte } from 'drizzle-orm';
import { leases, rateLimitCounters } from '../../db/schema.ts';
import type { CleanupTask } from '../cleanup-task.ts';

/** Longer than any route's rate-limit window (the longest is 15 minutes), so no live window is cut short. */
const COUNTER_KEEP_MS = 24 * 60 * 60_000;
/** An expired lease is free already; its row is kept a while only to show in the table who held it last. */
const LEASE_KEEP_MS = 60 * 60_000;

/** Purges rate-limit windows long over and leases long expired (docs/postgres.md §4). */
export function expiredSharedStateTask(): CleanupTask {
  return {
    name: 'shared-state',
    run: async (context) => {
      const now = context.now();
      const counters = await context.db
        .delete(rateLimitCounters)
        .where(lte(rateLimitCounters.windowStartedAt, new Date(now - COUNTER_KEEP_MS)))
        .returning({ key: rateLimitCounters.key });
      const expired = await context.db
        .delete(leases)
        .where(lte(leases.expiresAt, new Date(now - LEASE_KEEP_MS)))
        .returning({ name: leases.name });
      return counters.length + expired.length;
    },
  };
}
