import type { Connection } from '@pag/contracts';
import { maskAccountId } from '../connections/to-connection-dto.ts';
import { describeGoogleReconnectReason } from './google-token-manager.ts';
import type { GoogleConnectionRow } from './save-google-connection.ts';

/**
 * A Google connection in the shape of the connection list (`GET /api/connections`), beside the ChatGPT one, so
 * the settings UI and the CLI show every connected account from one list. Never a token.
 */
export function toGoogleConnectionDto(row: GoogleConnectionRow): Connection {
  return {
    id: row.id,
    provider: 'google',
    // The only way to connect Google: the browser comes back to the gateway's own callback.
    method: 'browser',
    email: row.email,
    planType: null,
    accountIdMasked: maskAccountId(row.accountId),
    state: row.state,
    stateReason: row.state === 'reconnect_required' ? row.stateReason : null,
    stateMessage: row.state === 'reconnect_required' ? describeGoogleReconnectReason(row.stateReason) : null,
    connectedAt: row.connectedAt.toISOString(),
    accessTokenExpiresAt: row.accessTokenExpiresAt?.toISOString() ?? null,
    lastRefreshAt: row.lastRefreshAt?.toISOString() ?? null,
    rateLimits: null,
  };
}
