import { eq } from 'drizzle-orm';
import { googleOAuthClients } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { disconnectGoogle } from './disconnect-google.ts';
import { googleClientSecretContext } from './google-vault-contexts.ts';
import { findGoogleClient } from './read-google-client.ts';

/**
 * Saves (or replaces) the user's own Google OAuth client. Google cannot be asked whether a secret is right without
 * a sign-in, so a wrong one shows at the first sign-in (`invalid_client`, with a message saying so). Switching to
 * another client id disconnects the Google account: its refresh token belongs to the old client.
 */
export async function saveGoogleClient(
  context: ConnectionsContext,
  options: {
    userId: string;
    clientId: string;
    clientSecret: string;
    log?: { warn: (object: object, message: string) => void };
  },
): Promise<void> {
  const existing = await findGoogleClient(context, options.userId);
  if (existing != null && existing.clientId !== options.clientId) {
    await disconnectGoogle(context, { userId: options.userId, ...(options.log == null ? {} : { log: options.log }) });
  }
  const now = new Date(context.now());
  const fields = {
    clientId: options.clientId,
    clientSecretCiphertext: context.vault.encrypt(options.clientSecret, {
      context: googleClientSecretContext(options.userId),
    }),
    secretHint: options.clientSecret.slice(-4),
    updatedAt: now,
  };
  // One statement whether a client is saved or not: another save of this user may land between our awaits.
  await context.db
    .insert(googleOAuthClients)
    .values({ userId: options.userId, createdAt: now, ...fields })
    .onConflictDoUpdate({ target: googleOAuthClients.userId, set: fields });
}

/** Forgets the client and disconnects the account it was used for. */
export async function deleteGoogleClient(
  context: ConnectionsContext,
  options: { userId: string; log?: { warn: (object: object, message: string) => void } },
): Promise<void> {
  await disconnectGoogle(context, options);
  await context.db.delete(googleOAuthClients).where(eq(googleOAuthClients.userId, options.userId));
}
