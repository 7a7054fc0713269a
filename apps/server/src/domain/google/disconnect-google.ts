import { revokeGoogleToken } from '@pag/oauth-client';
import { eq } from 'drizzle-orm';
import { googleConnections } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { googleTokenContext } from './google-vault-contexts.ts';

/**
 * Disconnects the user's Google account: the row (and its tokens) goes at once, then the grant is revoked at
 * Google, best effort — a Google outage must not keep tokens the user asked us to forget. Returns whether Google
 * confirmed the revocation (false also when there was nothing to disconnect).
 */
export async function disconnectGoogle(
  context: ConnectionsContext,
  options: { userId: string; log?: { warn: (object: object, message: string) => void } },
): Promise<boolean> {
  const row = context.db.select().from(googleConnections).where(eq(googleConnections.userId, options.userId)).get();
  if (row == null) return false;
  const refreshToken = context.vault.decrypt(row.refreshTokenCiphertext, {
    context: googleTokenContext(row.id, 'refresh_token'),
  });
  context.db.delete(googleConnections).where(eq(googleConnections.id, row.id)).run();
  try {
    await revokeGoogleToken({
      revocationEndpoint: context.google.revocationEndpoint,
      token: refreshToken,
      ...(context.google.fetch == null ? {} : { fetch: context.google.fetch }),
    });
    return true;
  } catch (error) {
    options.log?.warn({ err: error }, 'could not revoke the Google grant; the tokens are deleted here anyway');
    return false;
  }
}
