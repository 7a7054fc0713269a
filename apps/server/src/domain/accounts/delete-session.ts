import { eq } from 'drizzle-orm';
import { sessions } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { hashToken } from '../security/secret-tokens.ts';

/** Ends one session (sign-out). Deleting a session that is already gone is not an error. */
export async function deleteSession(context: DomainContext, sessionId: string): Promise<void> {
  await context.db.delete(sessions).where(eq(sessions.idHash, hashToken(sessionId)));
}
