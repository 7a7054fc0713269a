import { lt } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { quotaSnapshots } from '../../db/schema.ts';
import type { CleanupTask } from '../cleanup-task.ts';

/** How long the quota history is kept: long enough for a month's chart, small (a reading every few minutes at most). */
export const QUOTA_HISTORY_RETENTION_MS = 35 * 24 * 60 * 60_000;

export const OLD_QUOTA_SNAPSHOTS_TASK_NAME = 'quota_snapshots';

/** The cleanup scheduler's task for the quota history: readings older than the retention go. */
export function oldQuotaSnapshotsTask(): CleanupTask {
  return {
    name: OLD_QUOTA_SNAPSHOTS_TASK_NAME,
    run: async (context) =>
      changedRows(
        await context.db
          .delete(quotaSnapshots)
          .where(lt(quotaSnapshots.observedAt, new Date(context.now() - QUOTA_HISTORY_RETENTION_MS))),
      ),
  };
}
