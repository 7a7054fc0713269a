import { lt } from 'drizzle-orm';
import { googleSignInFlows } from '../../db/schema.ts';
import type { CleanupTask } from '../cleanup-task.ts';

/** Google sign-ins nobody came back from: their state and verifier are useless once expired. */
export function expiredGoogleSignInFlowsTask(): CleanupTask {
  return {
    name: 'google_sign_in_flows',
    run: (context) =>
      context.db
        .delete(googleSignInFlows)
        .where(lt(googleSignInFlows.expiresAt, new Date(context.now())))
        .run().changes,
  };
}
