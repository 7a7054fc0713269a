import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quotaSnapshots } from '../../db/schema.ts';
import { buildTestApp, signInNewUser, type TestApp } from '../../test/build-test-app.ts';
import { deleteExpiredRows } from '../maintenance/delete-expired-rows.ts';
import {
  OLD_QUOTA_SNAPSHOTS_TASK_NAME,
  oldQuotaSnapshotsTask,
  QUOTA_HISTORY_RETENTION_MS,
} from './old-quota-snapshots-task.ts';

let test: TestApp;
beforeEach(async () => {
  test = await buildTestApp();
});
afterEach(async () => {
  await test.close();
});

describe('oldQuotaSnapshotsTask', () => {
  it('issue 19: the cleanup scheduler prunes quota history past its retention and keeps the rest', async () => {
    const { userId } = await signInNewUser(test);
    const now = Date.now();
    const reading = (ageMs: number) => ({
      userId,
      observedAt: new Date(now - ageMs),
      source: 'usage-endpoint' as const,
      fiveHourUsedPercent: 50,
      weeklyUsedPercent: 10,
    });
    await test.db
      .insert(quotaSnapshots)
      .values([reading(QUOTA_HISTORY_RETENTION_MS + 1), reading(QUOTA_HISTORY_RETENTION_MS - 60_000), reading(0)]);

    const result = await deleteExpiredRows({ db: test.db, now: () => now }, [oldQuotaSnapshotsTask()]);

    expect(result).toEqual({ [OLD_QUOTA_SNAPSHOTS_TASK_NAME]: 1 });
    expect(await test.db.select().from(quotaSnapshots)).toHaveLength(2);
  });
});
