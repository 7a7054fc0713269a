import type { GoogleStatus } from '@pag/contracts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { describeGoogleReconnectReason, type GoogleTokenManager } from './google-token-manager.ts';
import { findGoogleClient } from './read-google-client.ts';

/** What the settings UI shows about Google: the redirect URI to register, the client (secret masked), the account. */
export async function toGoogleStatus(
  context: ConnectionsContext,
  options: { userId: string; tokens: GoogleTokenManager },
): Promise<GoogleStatus> {
  const [client, connection] = await Promise.all([
    findGoogleClient(context, options.userId),
    options.tokens.findConnection(options.userId),
  ]);
  return {
    redirectUri: context.google.redirectUri,
    client:
      client == null
        ? null
        : { clientId: client.clientId, secretHint: client.secretHint, updatedAt: client.updatedAt.toISOString() },
    connection:
      connection == null
        ? null
        : {
            email: connection.email,
            state: connection.state,
            stateMessage:
              connection.state === 'connected' ? null : describeGoogleReconnectReason(connection.stateReason),
            scopes: (connection.scopes ?? '').split(' ').filter((scope) => scope !== ''),
            connectedAt: connection.connectedAt.toISOString(),
            lastRefreshAt: connection.lastRefreshAt?.toISOString() ?? null,
          },
  };
}
