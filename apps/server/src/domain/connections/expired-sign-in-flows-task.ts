import { and, eq, lt } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { signInFlows } from '../../db/schema.ts';
import type { CleanupTask } from '../cleanup-task.ts';

/**
 * Finished or expired ChatGPT flows are kept a day (the UI may still show their outcome), then deleted. Google's
 * have their own task (domain/google/expired-google-sign-in-flows-task.ts).
 */
const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60_000;

export function expiredSignInFlowsTask(): CleanupTask {
  return {
    name: 'sign_in_flows',
    run: async (context) =>
      changedRows(
        await context.db
          .delete(signInFlows)
          .where(
            and(
              eq(signInFlows.provider, 'chatgpt'),
              lt(signInFlows.expiresAt, new Date(context.now() - KEEP_AFTER_EXPIRY_MS)),
            ),
          ),
      ),
  };
}
