import type { CleanupTask } from '../cleanup-task.ts';
import type { DomainContext } from '../domain-context.ts';
import { deleteExpiredRows } from './delete-expired-rows.ts';

export type CleanupLogger = {
  info: (object: object, message: string) => void;
  error: (object: object, message: string) => void;
};

/**
 * Purges expired rows now and then every `intervalMs`. The timer is unref'd so it never keeps the process
 * alive; the returned function stops it (graceful shutdown).
 */
export function startCleanupScheduler(options: {
  context: DomainContext;
  tasks: readonly CleanupTask[];
  intervalMs: number;
  logger: CleanupLogger;
}): () => void {
  // Never rejects: deleteExpiredRows answers each task's failure as an Error.
  const runOnce = async () => {
    const result = await deleteExpiredRows(options.context, options.tasks);
    for (const [name, outcome] of Object.entries(result)) {
      if (outcome instanceof Error) options.logger.error({ task: name, err: outcome }, 'cleanup task failed');
      else if (outcome > 0) options.logger.info({ task: name, deleted: outcome }, 'expired rows deleted');
    }
  };
  void runOnce();
  const timer = setInterval(() => void runOnce(), options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
