import type { CleanupTask } from '../cleanup-task.ts';
import type { DomainContext } from '../domain-context.ts';
import { deleteExpiredRows } from './delete-expired-rows.ts';

export type CleanupLogger = {
  info: (object: object, message: string) => void;
  error: (object: object, message: string) => void;
};

/**
 * Purges expired rows now and then every `intervalMs`. The timer is unref'd so it never keeps the process
 * alive; the returned function stops it (graceful shutdown) and resolves once a purge still running has ended, so
 * the database can be closed after it.
 */
export function startCleanupScheduler(options: {
  context: DomainContext;
  tasks: readonly CleanupTask[];
  intervalMs: number;
  logger: CleanupLogger;
}): () => Promise<void> {
  const runOnce = async () => {
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
