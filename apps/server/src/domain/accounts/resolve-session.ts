import { eq } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { hashToken } from '../security/secret-tokens.ts';
import type { UserRow } from './find-user.ts';
import { SESSION_TOUCH_INTERVAL_MS, type SessionPolicy } from './session-policy.ts';

export type ResolvedSession = { user: UserRow; csrfToken: string; sessionId: string };

/**
 * Finds the live session for a cookie value. An idle or past-its-lifetime session is deleted and treated as
 * absent. Use refreshes `lastSeenAt` (throttled), which is what keeps an active session alive.
 */
export async function resolveSession(
  context: DomainContext,
  options: { sessionId: string; policy: SessionPolicy },
): Promise<ResolvedSession | null> {
  const idHash = hashToken(options.sessionId);
  const [row] = await context.db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash))
    .limit(1);
  if (row == null) return null;
  const now = context.now();
  const lastSeen = row.session.lastSeenAt.getTime();
  if (row.session.expiresAt.getTime() <= now || lastSeen + options.policy.idleMs <= now) {
    await context.db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  if (now - lastSeen >= SESSION_TOUCH_INTERVAL_MS) {
    // Concurrent requests of one session may each write it; they write about the same time, so either is right.
    await context.db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.idHash, idHash));
  }
  return { user: row.user, csrfToken: row.session.csrfToken, sessionId: options.sessionId };
}
