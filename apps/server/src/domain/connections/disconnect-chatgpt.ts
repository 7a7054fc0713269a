import { revokeCodexToken } from '@pag/oauth-client';
import { and, eq } from 'drizzle-orm';
import { connections } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { tokenContext } from './save-chatgpt-connection.ts';

/**
 * Disconnects a user's ChatGPT account: revokes the refresh token upstream (best effort: an unreachable server or
 * an undecryptable token must not keep the user from removing the account), deletes the tokens, audits.
 */
export async function disconnectChatgpt(
  context: ConnectionsContext,
  options: { userId: string },
): Promise<{ isRevokedUpstream: boolean }> {
  const [row] = await context.db
    .select()
    .from(connections)
    .where(and(eq(connections.userId, options.userId), eq(connections.provider, 'chatgpt')));
  if (row == null) throw new GatewayError('not_found', 'No ChatGPT account is connected.');
  let isRevokedUpstream = false;
  try {
    const refreshToken = context.vault.decrypt(row.refreshTokenCiphertext, {
      context: tokenContext(row.id, 'refresh_token'),
    });
    await revokeCodexToken({
      baseUrl: context.chatgpt.authBaseUrl,
      identity: context.chatgpt.identity,
      fetch: context.chatgpt.fetch,
      refreshToken,
    });
    isRevokedUpstream = true;
  } catch {
    // Best effort, as the official client does; the local tokens are deleted regardless.
  }
  await context.db.delete(connections).where(eq(connections.id, row.id));
  await recordAuditEvent(context, {
    action: 'connection.disconnected',
    userId: options.userId,
    detail: { provider: 'chatgpt', isRevokedUpstream },
  });
  return { isRevokedUpstream };
}
