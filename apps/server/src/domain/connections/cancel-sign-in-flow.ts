import { and, eq } from 'drizzle-orm';
import { signInFlows } from '../../db/schema.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { findSignInFlow } from './find-sign-in-flow.ts';

/** Cancels a user's pending flow; a flow that already finished is left as it is. */
export async function cancelSignInFlow(
  context: ConnectionsContext,
  options: { userId: string; flowId: string },
): Promise<void> {
  await findSignInFlow(context, options);
  // Conditional on `pending`: a flow that finished meanwhile (its exchange won the race) keeps its outcome.
  await context.db
    .update(signInFlows)
    .set({ status: 'cancelled', failureReason: 'Cancelled.', finishedAt: new Date(context.now()) })
    .where(and(eq(signInFlows.id, options.flowId), eq(signInFlows.status, 'pending')));
}
