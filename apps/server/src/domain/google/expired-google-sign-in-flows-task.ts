import { and, eq, lt } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { signInFlows } from '../../db/schema.ts';
import type { CleanupTask } from '../cleanup-task.ts';

/** Google sign-ins nobody came back from: their state and verifier are useless once expired. */
export function expiredGoogleSignInFlowsTask(): CleanupTask {
  return {
    name: 'google_sign_in_flows',
    run: async (context) =>
      changedRows(
        await context.db
          .delete(signInFlows)
          .where(and(eq(signInFlows.provider, 'google'), lt(signInFlows.expiresAt, new Date(context.now())))),
      ),
  };
}
