import { type CodexTokenSet, exchangeCodexAuthorizationCode } from '@pag/oauth-client';
import { and, eq, gt } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { signInFlows } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { serializeLeaseOwner, thisProcessAsLeaseOwner } from './refresh-lease-owner.ts';
import { saveChatgptConnection } from './save-chatgpt-connection.ts';
import type { ConnectionRow } from './to-connection-dto.ts';
import { toSignInGatewayError } from './to-gateway-error.ts';
import type { SignInFlowRow } from './to-sign-in-flow-dto.ts';

/**
 * The shared end of every sign-in method: consume the flow (exactly once, atomically, only while unexpired),
 * exchange the code, store the connection. Whatever fails after consumption marks the flow failed with a reason,
 * so it can never be replayed.
 */
export async function redeemAuthorizationCode(
  context: ConnectionsContext,
  options: { flow: SignInFlowRow; code: string; codeVerifier: string; redirectUri: string },
): Promise<ConnectionRow> {
  const { flow } = options;
  const now = context.now();
  const claimed = changedRows(
    await context.db
      .update(signInFlows)
      // The owner lets a later process tell an exchange that died with its process from one still running.
      .set({ status: 'exchanging', exchangeOwner: serializeLeaseOwner(thisProcessAsLeaseOwner(), flow.id) })
      .where(
        and(eq(signInFlows.id, flow.id), eq(signInFlows.status, 'pending'), gt(signInFlows.expiresAt, new Date(now))),
      ),
  );
  if (claimed === 0) throw await explainUnclaimable(context, flow.id);

  let tokens: CodexTokenSet;
  let connection: ConnectionRow;
  try {
    tokens = await exchangeCodexAuthorizationCode({
      baseUrl: context.chatgpt.authBaseUrl,
      identity: context.chatgpt.identity,
      fetch: context.chatgpt.fetch,
      code: options.code,
      redirectUri: options.redirectUri,
      codeVerifier: options.codeVerifier,
    });
    connection = await saveChatgptConnection(context, { userId: flow.userId, method: flow.method, tokens });
  } catch (error) {
    const gatewayError = toSignInGatewayError(error);
    await finishFlow(context, flow.id, { status: 'failed', failureReason: gatewayError.message });
    throw gatewayError;
  }
  await finishFlow(context, flow.id, { status: 'completed', failureReason: null });
  return connection;
}

export async function finishFlow(
  context: ConnectionsContext,
  flowId: string,
  outcome: { status: 'completed' | 'failed' | 'cancelled' | 'expired'; failureReason: string | null },
): Promise<void> {
  await context.db
    .update(signInFlows)
    .set({ ...outcome, finishedAt: new Date(context.now()), exchangeOwner: null })
    .where(eq(signInFlows.id, flowId));
}

/** Why a flow could not be consumed: it expired, or it was used, cancelled or failed already. */
async function explainUnclaimable(context: ConnectionsContext, flowId: string): Promise<GatewayError> {
  const [current] = await context.db.select().from(signInFlows).where(eq(signInFlows.id, flowId));
  if (current?.status === 'pending') {
    await finishFlow(context, flowId, { status: 'expired', failureReason: 'The sign-in expired.' });
    return new GatewayError('flow_expired', 'This sign-in has expired (they last 10 minutes): start a new one.');
  }
  if (current?.status === 'expired') {
    return new GatewayError('flow_expired', 'This sign-in has expired (they last 10 minutes): start a new one.');
  }
  return new GatewayError('conflict', `This sign-in is already ${current?.status ?? 'gone'}: start a new one.`);
}
