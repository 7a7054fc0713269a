import type { CleanupTask } from '../cleanup-task.ts';
import type { DomainContext } from '../domain-context.ts';
import { acquireLease, THIS_PROCESS_LEASE_OWNER } from '../replicas/lease.ts';
import { deleteExpiredRows } from './delete-expired-rows.ts';

export type CleanupLogger = {
  info: (object: object, message: string) => void;
  error: (object: object, message: string) => void;
};

/**
 * Purges expired rows now and then every `intervalMs`. The timer is unref'd so it never keeps the process
 * alive; the returned function stops it (graceful shutdown) and resolves once a purge still running has ended, so
 * the database can be closed after it.
 *
 * Replicas on one database purge one at a time: a pass runs only in the process holding the `cleanup` lease, which
 * it renews at every pass and which another replica takes over when the holder has missed two (docs/postgres.md §4).
 */
export function startCleanupScheduler(options: {
  context: DomainContext;
  tasks: readonly CleanupTask[];
  intervalMs: number;
  logger: CleanupLogger;
  /** Who holds the lease; another value stands for another replica (tests). */
  leaseOwner?: string;
}): () => Promise<void> {
  const lease = {
    name: 'cleanup',
    owner: options.leaseOwner ?? THIS_PROCESS_LEASE_OWNER,
    ttlMs: 2 * options.intervalMs,
  };
  const runOnce = async () => {
    if (!(await acquireLease(options.context, lease))) return;
    const result = await deleteExpiredRows(options.context, options.tasks);
    for (const [name, outcome] of Object.entries(result)) {
      if (outcome instanceof Error) options.logger.error({ task: name, err: outcome }, 'cleanup task failed');
      else if (outcome > 0) options.logger.info({ task: name, deleted: outcome }, 'expired rows deleted');
    }
  };
  // A tick finding the previous purge still running (a slow database) skips: the next one catches up.
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running != null) return;
    running = runOnce()
      .catch((error: unknown) => options.logger.error({ err: error }, 'cleanup failed'))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
