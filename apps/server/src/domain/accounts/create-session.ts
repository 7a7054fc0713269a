import { eq } from 'drizzle-orm';
import { sessions } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import { generateToken, hashToken } from '../security/secret-tokens.ts';
import type { SessionPolicy } from './session-policy.ts';

export type CreateSessionOptions = {
  userId: string;
  policy: SessionPolicy;
  /** The session the browser had before signing in; it is deleted so the id always changes at login. */
  previousSessionId?: string | null;
  userAgent?: string | null;
  ipAddress?: string | null;
};

export type CreatedSession = { sessionId: string; csrfToken: string; expiresAt: Date };

/**
 * Starts a server-side session and returns the secret for the cookie. Only the secret's hash is stored. Any
 * session the browser already carried is deleted first (session fixation defence).
 */
export async function createSession(context: DomainContext, options: CreateSessionOptions): Promise<CreatedSession> {
  const sessionId = generateToken(32);
  const csrfToken = generateToken(32);
  const now = context.now();
  const expiresAt = new Date(now + options.policy.maxMs);
  await withTransaction(context.db, async (tx) => {
    if (options.previousSessionId != null) {
      await tx.delete(sessions).where(eq(sessions.idHash, hashToken(options.previousSessionId)));
    }
    await tx.insert(sessions).values({
      idHash: hashToken(sessionId),
      userId: options.userId,
      csrfToken,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt,
      userAgent: options.userAgent?.slice(0, 512) ?? null,
      ipAddress: options.ipAddress ?? null,
    });
  });
  return { sessionId, csrfToken, expiresAt };
}
