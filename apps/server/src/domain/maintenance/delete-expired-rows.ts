import { lt, or } from 'drizzle-orm';
import { sessions } from '../../db/schema.ts';
import type { SessionPolicy } from '../accounts/session-policy.ts';
import type { CleanupTask } from '../cleanup-task.ts';
import type { DomainContext } from '../domain-context.ts';

/** Sessions past their absolute lifetime or idle for longer than the idle timeout. */
export function expiredSessionsTask(policy: SessionPolicy): CleanupTask {
  return {
    name: 'sessions',
    run: (context) => {
      const now = context.now();
      return context.db
        .delete(sessions)
        .where(or(lt(sessions.expiresAt, new Date(now)), lt(sessions.lastSeenAt, new Date(now - policy.idleMs))))
        .run().changes;
    },
  };
}

/** Runs every task once; returns how many rows each deleted. One failing task does not stop the others. */
export async function deleteExpiredRows(
  context: DomainContext,
  tasks: readonly CleanupTask[],
): Promise<Record<string, number | Error>> {
  const result: Record<string, number | Error> = {};
  for (const task of tasks) {
    try {
      result[task.name] = await task.run(context);
    } catch (error) {
      result[task.name] = error instanceof Error ? error : new Error(String(error));
    }
  }
  return result;
}
