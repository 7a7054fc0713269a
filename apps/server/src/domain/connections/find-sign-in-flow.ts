import { and, eq } from 'drizzle-orm';
import { signInFlows } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { resolveInterruptedExchange } from './resolve-interrupted-exchange.ts';
import type { SignInFlowRow } from './to-sign-in-flow-dto.ts';

/**
 * A user's own ChatGPT flow by id, an interrupted exchange resolved (resolve-interrupted-exchange.ts). Another user's flow id answers exactly like a missing one: flows are bound to
 * the user who started them. Google's flows share the table but not these routes.
 */
export async function findSignInFlow(
  context: ConnectionsContext,
  options: { userId: string; flowId: string },
): Promise<SignInFlowRow> {
  const [row] = await context.db
    .select()
    .from(signInFlows)
    .where(
      and(
        eq(signInFlows.id, options.flowId),
        eq(signInFlows.userId, options.userId),
        eq(signInFlows.provider, 'chatgpt'),
      ),
    );
  if (row == null) throw new GatewayError('not_found', 'No such sign-in: it may belong to someone else or be gone.');
  // A flow whose exchange died with its process is finished here, so nobody sees it stuck (issue 16).
  return resolveInterruptedExchange(context, row);
}
