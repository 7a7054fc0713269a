import { revokeGoogleToken } from '@pag/oauth-client';
import { and, eq } from 'drizzle-orm';
import { connections } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { googleTokenContext } from './google-vault-contexts.ts';

/**
 * Disconnects the user's Google account: the row (and its tokens) goes at once, then the grant is revoked at
 * Google, best effort — a Google outage or an undecryptable token must not keep tokens the user asked us to
 * forget. Returns whether Google confirmed the revocation (false also when there was nothing to disconnect).
 */
export async function disconnectGoogle(
  context: ConnectionsContext,
  options: { userId: string; log?: { warn: (object: object, message: string) => void } },
): Promise<boolean> {
  const [row] = await context.db
    .delete(connections)
    .where(and(eq(connections.userId, options.userId), eq(connections.provider, 'google')))
    .returning();
  if (row == null) return false;
  let isRevokedUpstream = false;
  try {
    const refreshToken = context.vault.decrypt(row.refreshTokenCiphertext, {
      context: googleTokenContext(row.id, 'refresh_token'),
    });
    // Revoking the refresh token ends the whole grant at Google, its access tokens included.
    await revokeGoogleToken({
      revocationEndpoint: context.google.revocationEndpoint,
      token: refreshToken,
      ...(context.google.fetch == null ? {} : { fetch: context.google.fetch }),
    });
    isRevokedUpstream = true;
  } catch (error) {
    options.log?.warn({ err: error }, 'could not revoke the Google grant; the tokens are deleted here anyway');
  }
  await recordAuditEvent(context, {
    action: 'connection.disconnected',
    userId: options.userId,
    detail: { provider: 'google', isRevokedUpstream },
  });
  return isRevokedUpstream;
}
