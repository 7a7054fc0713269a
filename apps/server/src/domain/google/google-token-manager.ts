import { GoogleOAuthError, type GoogleTokenSet, refreshGoogleTokens } from '@pag/oauth-client';
import { ConnectionTokenManager, type ConnectionTokenPolicy } from '../connections/connection-token-manager.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { effectiveRefreshWindowMs } from '../connections/effective-refresh-window.ts';
import { GatewayError } from '../gateway-error.ts';
import { googleTokenContext } from './google-vault-contexts.ts';
import { readGoogleClientCredentials } from './read-google-client.ts';
import type { GoogleConnectionRow } from './save-google-connection.ts';

/** Google access tokens live about an hour; refresh when less than 5 minutes (or half their lifetime) are left. */
const REFRESH_WINDOW_MS = 5 * 60_000;
/** Without an `expires_in` (Google always sends one), assume Google's usual hour. */
const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3599;

/**
 * Hands out a live Google access token for a user's connected account, refreshing it shortly before it expires
 * and once on demand after Gemini refused it, on the shared mechanics of `ConnectionTokenManager` (single-flight,
 * reload-before-refresh, the cross-process lease, writes keyed by the row's id). What is Google's own:
 * - Google does not rotate refresh tokens (docs/google-protocol.md §1.4), so two processes refreshing at once would
 *   both get a valid token; the lease only spares Google the second request.
 * - The refresh authenticates with the user's own OAuth client (docs/google-protocol.md §0).
 * - A refused refresh token or client (`invalid_grant`, `invalid_client`) marks the connection
 *   `reconnect_required`, which nothing retries; a transient failure keeps using a still-valid access token that
 *   Gemini did not refuse, and is retried at the next request (no stored backoff).
 */
export class GoogleTokenManager {
  readonly #core: ConnectionTokenManager<string, GoogleTokenSet>;

  constructor(context: ConnectionsContext) {
    this.#core = new ConnectionTokenManager(context, googleTokenPolicy(context));
  }

  /** The connection row, or null when the user has no Google account connected. */
  findConnection(userId: string): Promise<GoogleConnectionRow | null> {
    return this.#core.findConnection(userId);
  }

  /**
   * A live access token. `rejectedAccessToken`: Gemini refused this token (revoked or expired early at Google), so
   * refresh unless the stored one is already another (a concurrent request refreshed it).
   */
  getAccessToken(userId: string, options: { rejectedAccessToken?: string | undefined } = {}): Promise<string> {
    return this.#core.getAccessToken(userId, options);
  }
}

function googleTokenPolicy(context: ConnectionsContext): ConnectionTokenPolicy<string, GoogleTokenSet> {
  return {
    provider: 'google',
    tokenContext: (connectionId, column) => {
      if (column === 'id_token') throw new Error('Google connections keep no id token.');
      return googleTokenContext(connectionId, column);
    },
    isDue: (row, now) =>
      (row.accessTokenExpiresAt?.getTime() ?? 0) - now <= effectiveRefreshWindowMs(row, REFRESH_WINDOW_MS),
    refresh: async ({ row, decrypt }) => {
      const client = await readGoogleClientCredentials(context, row.userId);
      return refreshGoogleTokens({
        tokenEndpoint: context.google.tokenEndpoint,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        refreshToken: decrypt('refresh_token'),
        ...(context.google.fetch == null ? {} : { fetch: context.google.fetch }),
      });
    },
    permanentFailure: (error) =>
      error instanceof GoogleOAuthError && error.isPermanent
        ? { reason: error.kind, status: error.status ?? null }
        : null,
    storedTokens: (row, tokens, now) => ({
      accessTokenCiphertext: context.vault.encrypt(tokens.accessToken, {
        context: googleTokenContext(row.id, 'access_token'),
      }),
      // Google normally sends no new refresh token (the old one comes back); if it does, it replaces the old.
      refreshTokenCiphertext: context.vault.encrypt(tokens.refreshToken, {
        context: googleTokenContext(row.id, 'refresh_token'),
      }),
      accessTokenExpiresAt: new Date(now + (tokens.expiresInSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS) * 1000),
    }),
    accessTokenOf: (tokens) => tokens.accessToken,
    toToken: (_row, accessToken) => accessToken,
    backoffMs: () => null,
    // Google is down or slow: a token that has not expired yet (and that Gemini did not refuse) still works.
    isStillUsable: (row, accessToken, rejectedAccessToken, now) =>
      accessToken !== rejectedAccessToken && (row.accessTokenExpiresAt?.getTime() ?? 0) > now,
    unavailableError: (_retryInMs, cause) =>
      new GatewayError(
        'upstream_unavailable',
        `Google did not refresh the access token: ${(cause as Error | undefined)?.message ?? 'no answer'}`,
        {
          cause,
          retryAfterSeconds: cause instanceof GoogleOAuthError ? (cause.retryAfterSeconds ?? 30) : 30,
        },
      ),
    notConnectedError: () => new GatewayError('not_connected', 'No Google account is connected for Gemini.'),
    disconnectedError,
    reconnectRequiredError: (reason, cause) =>
      new GatewayError(
        'reconnect_required',
        describeGoogleReconnectReason(reason),
        cause == null ? undefined : { cause },
      ),
    leaseTimeoutError: () =>
      new GatewayError('upstream_unavailable', 'Refreshing the Google sign-in is taking too long.', {
        retryAfterSeconds: 5,
      }),
  };
}

/** The stored reason in words, with what to do. */
export function describeGoogleReconnectReason(reason: string | null): string {
  return reason === 'invalid_client'
    ? 'Google refused the OAuth client (its secret changed or it was deleted): update it under Settings → Connections → Advanced (Google account), then connect again.'
    : 'Google no longer accepts the saved sign-in (revoked, expired or the password changed): connect the Google account again.';
}

function disconnectedError(): GatewayError {
  return new GatewayError('not_connected', 'The Google account was disconnected meanwhile: connect it again.');
}
