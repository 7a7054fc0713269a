import type { SignInFlow } from '@pag/contracts';
import { codexDeviceRedirectUri, pollCodexDeviceToken } from '@pag/oauth-client';
import { and, eq, isNull, lte, or } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { signInFlows } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { finishFlow, redeemAuthorizationCode } from './redeem-authorization-code.ts';
import { resolveInterruptedExchange } from './resolve-interrupted-exchange.ts';
import { flowContext } from './start-chatgpt-sign-in.ts';
import { type SignInFlowRow, toSignInFlowDto } from './to-sign-in-flow-dto.ts';

/**
 * Polls auth.openai.com once for a device flow, if a poll is due, and moves the flow on: approved → exchange and
 * connect; declined → failed; past 15 minutes → expired. The "is a poll due" check claims the poll in the
 * database, so the server's poller and a CLI waiting on the same flow never poll faster than the server asked.
 * Transient upstream errors leave the flow pending for the next poll.
 */
export async function pollChatgptDeviceSignIn(
  context: ConnectionsContext,
  options: { flowId: string },
): Promise<SignInFlow> {
  const load = async () => {
    const [row] = await context.db
      .select()
      .from(signInFlows)
      .where(and(eq(signInFlows.id, options.flowId), eq(signInFlows.provider, 'chatgpt')));
    return row;
  };
  const loaded = await load();
  if (loaded == null) throw new GatewayError('not_found', 'No such sign-in.');
  const flow = await resolveInterruptedExchange(context, loaded);
  if (flow.method !== 'device' || flow.status !== 'pending') return toSignInFlowDto(flow);
  const now = context.now();
  if (flow.expiresAt.getTime() <= now) {
    await finishFlow(context, flow.id, {
      status: 'expired',
      failureReason: 'The device code expired before it was approved.',
    });
    return toSignInFlowDto((await load()) ?? flow);
  }
  const intervalMs = (flow.pollIntervalSeconds ?? 5) * 1000;
  const claimed = changedRows(
    await context.db
      .update(signInFlows)
      .set({ lastPolledAt: new Date(now) })
      .where(
        and(
          eq(signInFlows.id, flow.id),
          eq(signInFlows.status, 'pending'),
          // A little slack so a timer firing a few milliseconds early still polls.
          or(isNull(signInFlows.lastPolledAt), lte(signInFlows.lastPolledAt, new Date(now - intervalMs + 250))),
        ),
      ),
  );
  if (claimed === 0) return toSignInFlowDto(flow);

  await pollOnce(context, flow);
  return toSignInFlowDto((await load()) ?? flow);
}

async function pollOnce(context: ConnectionsContext, flow: SignInFlowRow): Promise<void> {
  if (flow.deviceAuthIdCiphertext == null || flow.userCode == null) return;
  const deviceAuthId = context.vault.decrypt(flow.deviceAuthIdCiphertext, {
    context: flowContext(flow.id, 'device_auth_id'),
  });
  let result: Awaited<ReturnType<typeof pollCodexDeviceToken>>;
  try {
    result = await pollCodexDeviceToken({
      baseUrl: context.chatgpt.authBaseUrl,
      identity: context.chatgpt.identity,
      fetch: context.chatgpt.fetch,
      deviceAuthId,
      userCode: flow.userCode,
    });
  } catch {
    // auth.openai.com hiccup: the flow stays pending and the next poll tries again.
    return;
  }
  if (result.status === 'pending') return;
  if (result.status === 'denied') {
    await finishFlow(context, flow.id, { status: 'failed', failureReason: 'The sign-in was declined at ChatGPT.' });
    return;
  }
  try {
    await redeemAuthorizationCode(context, {
      flow,
      code: result.authorizationCode,
      codeVerifier: result.codeVerifier,
      redirectUri: codexDeviceRedirectUri(context.chatgpt.authBaseUrl),
    });
  } catch {
    // redeemAuthorizationCode already recorded the failure reason on the flow.
  }
}
