import { and, eq, gt } from 'drizzle-orm';
import { signInFlows } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

/**
 * Whether any ChatGPT browser sign-in still waits for its redirect (the loopback listener stays up while one does;
 * Google's redirect comes to the gateway's own URL instead).
 */
export async function hasPendingBrowserFlows(context: DomainContext): Promise<boolean> {
  const [pending] = await context.db
    .select({ id: signInFlows.id })
    .from(signInFlows)
    .where(
      and(
        eq(signInFlows.provider, 'chatgpt'),
        eq(signInFlows.method, 'browser'),
        eq(signInFlows.status, 'pending'),
        gt(signInFlows.expiresAt, new Date(context.now())),
      ),
    )
    .limit(1);
  return pending != null;
}
