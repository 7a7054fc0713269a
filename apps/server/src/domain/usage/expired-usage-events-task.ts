import { lt } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { usageEvents } from '../../db/schema.ts';
import type { CleanupTask } from '../cleanup-task.ts';

/** Usage-ledger rows older than the retention time (`GATEWAY_USAGE_RETENTION_DAYS`, default 90 days). */
export function expiredUsageEventsTask(retentionMs: number): CleanupTask {
  return {
    name: 'usage-events',
    run: async (context) =>
      changedRows(
        await context.db.delete(usageEvents).where(lt(usageEvents.createdAt, new Date(context.now() - retentionMs))),
      ),
  };
}
