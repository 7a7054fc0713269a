import { and, eq, isNull } from 'drizzle-orm';
import { signInFlows } from '../../db/schema.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { isLeaseOwnerGone, parseLeaseOwner } from './refresh-lease-owner.ts';
import type { SignInFlowRow } from './to-sign-in-flow-dto.ts';

/**
 * How long past its expiry an exchange is still waited for when its process cannot be seen from here (another
 * machine or pid namespace, or a flow from before owners were recorded): far longer than any exchange takes, which
 * the upstream timeouts bound to minutes.
 */
const UNSEEN_OWNER_GRACE_MS = 60 * 60_000;

export const INTERRUPTED_EXCHANGE_REASON =
  'The gateway was stopped (a crash or a restart) while it was collecting the tokens of this sign-in from ChatGPT. ' +
  'Start a new sign-in.';

/**
 * A flow is `exchanging` while one process trades its code for tokens; if that process dies (kill -9, a crash), the
 * flow would stay `exchanging` for good: never finished, and not cancellable, since only a pending flow can be
 * cancelled. The code cannot be traded again (it was spent or is lost with the process), so such a flow is failed
 * with the reason as soon as it is read and its process is known to be gone (the owner it names, as refresh leases
 * do), or an hour past its expiry when that process cannot be seen. Returns the row as it now is; any other flow,
 * and one whose exchange is still running, is returned unchanged.
 */
export async function resolveInterruptedExchange(
  context: ConnectionsContext,
  row: SignInFlowRow,
): Promise<SignInFlowRow> {
  if (row.status !== 'exchanging') return row;
  const owner = parseLeaseOwner(row.exchangeOwner);
  const isOwnerGone = owner != null && isLeaseOwnerGone(owner);
  if (!isOwnerGone && context.now() <= row.expiresAt.getTime() + UNSEEN_OWNER_GRACE_MS) return row;
  const [failed] = await context.db
    .update(signInFlows)
    .set({
      status: 'failed',
      failureReason: INTERRUPTED_EXCHANGE_REASON,
      finishedAt: new Date(context.now()),
      exchangeOwner: null,
    })
    .where(
      and(
        eq(signInFlows.id, row.id),
        eq(signInFlows.status, 'exchanging'),
        // Only the exchange that was judged dead: a later write (its own end, after all) wins.
        row.exchangeOwner == null
          ? isNull(signInFlows.exchangeOwner)
          : eq(signInFlows.exchangeOwner, row.exchangeOwner),
      ),
    )
    .returning();
  if (failed != null) return failed;
  const [current] = await context.db.select().from(signInFlows).where(eq(signInFlows.id, row.id));
  return current ?? row;
}
