import { and, eq, inArray } from 'drizzle-orm';
import { signInFlows } from '../../db/schema.ts';
import type { ConnectionsContext } from './connections-context.ts';
import type { DeviceSignInPoller } from './device-sign-in-poller.ts';
import { resolveInterruptedExchange } from './resolve-interrupted-exchange.ts';

/**
 * At startup, picks up the ChatGPT sign-ins an earlier process left unfinished (a restart, a crash, kill -9): a
 * device flow still waiting for approval is polled again, since the poller's timers died with that process and
 * nobody else would collect the tokens once the user approves; an exchange that died with its process is failed
 * with the reason (resolveInterruptedExchange). Browser and paste flows need nothing: their next step comes from the
 * user.
 */
export async function resumeSignInsAfterRestart(
  context: ConnectionsContext,
  poller: Pick<DeviceSignInPoller, 'start'>,
): Promise<void> {
  const unfinished = await context.db
    .select()
    .from(signInFlows)
    .where(and(eq(signInFlows.provider, 'chatgpt'), inArray(signInFlows.status, ['pending', 'exchanging'])));
  for (const flow of unfinished) {
    if (flow.status === 'exchanging') await resolveInterruptedExchange(context, flow);
    // An expired one is polled once more, which marks it expired.
    else if (flow.method === 'device') poller.start(flow.id, flow.pollIntervalSeconds ?? 5);
  }
}
