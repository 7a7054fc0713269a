import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import type { CleanupTask } from '../cleanup-task.ts';
import { startCleanupScheduler } from './start-cleanup-scheduler.ts';

describe('issue 21: startCleanupScheduler', () => {
  let db: GatewayDatabase;
  let time = 10_000_000;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.$close();
  });

  it('runs the purge in one replica at a time, and another takes over when the holder stops renewing', async () => {
    const ran: string[] = [];
    const taskOf = (replica: string): CleanupTask => ({
      name: 'probe',
      run: async () => {
        ran.push(replica);
        return 0;
      },
    });
    const logger = { info: vi.fn(), error: vi.fn() };
    const context = { db, now: () => time };
    const start = (replica: string) =>
      startCleanupScheduler({ context, tasks: [taskOf(replica)], intervalMs: 60_000, logger, leaseOwner: replica });
    const stopA = start('a');
    await vi.waitFor(() => expect(ran).toEqual(['a']));
    const stopB = start('b');
    await stopB();
    expect(ran).toEqual(['a']);
    await stopA();
    // A's lease (two intervals) runs out without a renewal: B's next pass takes it.
    time += 120_000;
    const stopB2 = start('b');
    await vi.waitFor(() => expect(ran).toEqual(['a', 'b']));
    await stopB2();
    expect(logger.error).not.toHaveBeenCalled();
  });
});
