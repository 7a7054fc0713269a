import { eq } from 'drizzle-orm';
import { googleOAuthClients } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { googleClientSecretContext } from './google-vault-contexts.ts';

export type GoogleClientRow = typeof googleOAuthClients.$inferSelect;

/** The user's saved Google OAuth client row, or null. */
export async function findGoogleClient(context: ConnectionsContext, userId: string): Promise<GoogleClientRow | null> {
  const [row] = await context.db.select().from(googleOAuthClients).where(eq(googleOAuthClients.userId, userId));
  return row ?? null;
}

/** The client id and decrypted secret, for a sign-in or refresh; a clear 409 when none is saved. */
export async function readGoogleClientCredentials(
  context: ConnectionsContext,
  userId: string,
): Promise<{ clientId: string; clientSecret: string }> {
  const row = await findGoogleClient(context, userId);
  if (row == null) {
    throw new GatewayError(
      'not_connected',
      'No Google OAuth client is saved: add your client id and secret under Settings → Connections → Advanced (Google account) first.',
    );
  }
  return {
    clientId: row.clientId,
    clientSecret: context.vault.decrypt(row.clientSecretCiphertext, { context: googleClientSecretContext(userId) }),
  };
}
