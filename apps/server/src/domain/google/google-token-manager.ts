import { GoogleOAuthError, type GoogleTokenSet, refreshGoogleTokens } from '@pag/oauth-client';
import { and, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { connections } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { googleTokenContext } from './google-vault-contexts.ts';
import { readGoogleClientCredentials } from './read-google-client.ts';
import type { GoogleConnectionRow } from './save-google-connection.ts';

const selectGoogleConnection = preparedQuery((db) =>
  db
    .select()
    .from(connections)
    .where(and(eq(connections.userId, sql.placeholder('userId')), eq(connections.provider, 'google')))
    .prepare(),
);

/** Google access tokens live about an hour; refresh when less than 5 minutes are left. */
const REFRESH_WINDOW_MS = 5 * 60_000;
/** Without an `expires_in` (Google always sends one), assume Google's usual hour. */
const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3599;

/**
 * Hands out a live Google access token for a user's connected account, refreshing it shortly before it expires
 * and once on demand after Gemini refused it.
 *
 * - Single-flight per connection in this process: concurrent callers share one refresh.
 * - Google does not rotate refresh tokens (docs/google-protocol.md §1.4), so two processes refreshing at once both get
 *   a valid token: unlike ChatGPT, no cross-process lease is needed. The row is still reloaded before refreshing,
 *   so a token another process just refreshed is used rather than refreshed again.
 * - Writes are keyed by the connection's id, and a reconnect creates a new id: a refresh that finishes after the
 *   user reconnected (perhaps another Google account) or disconnected cannot overwrite or resurrect anything.
 * - A refused refresh token or client (`invalid_grant`, `invalid_client`) marks the connection
 *   `reconnect_required`, which nothing retries; a transient failure keeps using a still-valid access token.
 */
export class GoogleTokenManager {
  readonly #context: ConnectionsContext;
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(context: ConnectionsContext) {
    this.#context = context;
  }

  /** The connection row, or null when the user has no Google account connected. */
  findConnection(userId: string): GoogleConnectionRow | null {
    return selectGoogleConnection(this.#context.db).get({ userId }) ?? null;
  }

  /**
   * A live access token. `rejectedAccessToken`: Gemini refused this token (revoked or expired early at Google), so
   * refresh unless the stored one is already another (a concurrent request refreshed it).
   */
  async getAccessToken(userId: string, options: { rejectedAccessToken?: string | undefined } = {}): Promise<string> {
    const row = this.findConnection(userId);
    if (row == null) throw new GatewayError('not_connected', 'No Google account is connected for Gemini.');
    assertUsable(row);
    const stored = this.#decryptAccessToken(row);
    if (!this.#needsRefresh(row, stored, options.rejectedAccessToken)) return stored;
    const running = this.#inFlight.get(row.id);
    if (running != null) return running;
    const refresh = this.#refresh(row.id, options.rejectedAccessToken).finally(() => this.#inFlight.delete(row.id));
    this.#inFlight.set(row.id, refresh);
    return refresh;
  }

  async #refresh(connectionId: string, rejectedAccessToken: string | undefined): Promise<string> {
    const context = this.#context;
    // Reload: another process may have refreshed, or the user disconnected, since the caller looked.
    const row = context.db
      .select()
      .from(connections)
      .where(and(eq(connections.id, connectionId), eq(connections.provider, 'google')))
      .get();
    if (row == null) throw disconnectedError();
    assertUsable(row);
    const stored = this.#decryptAccessToken(row);
    if (!this.#needsRefresh(row, stored, rejectedAccessToken)) return stored;
    const client = readGoogleClientCredentials(context, row.userId);
    let tokens: GoogleTokenSet;
    try {
      tokens = await refreshGoogleTokens({
        tokenEndpoint: context.google.tokenEndpoint,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        refreshToken: context.vault.decrypt(row.refreshTokenCiphertext, {
          context: googleTokenContext(row.id, 'refresh_token'),
        }),
        ...(context.google.fetch == null ? {} : { fetch: context.google.fetch }),
      });
    } catch (error) {
      if (error instanceof GoogleOAuthError && error.isPermanent) throw this.#requireReconnect(row, error);
      // Google is down or slow: a token that has not expired yet (and that Gemini did not refuse) still works.
      const expiresAt = row.accessTokenExpiresAt?.getTime() ?? 0;
      if (stored !== rejectedAccessToken && expiresAt > context.now()) return stored;
      const retryAfterSeconds = error instanceof GoogleOAuthError ? (error.retryAfterSeconds ?? 30) : 30;
      throw new GatewayError(
        'upstream_unavailable',
        `Google did not refresh the access token: ${(error as Error).message}`,
        { cause: error, retryAfterSeconds },
      );
    }
    const now = context.now();
    const updated = context.db
      .update(connections)
      .set({
        accessTokenCiphertext: context.vault.encrypt(tokens.accessToken, {
          context: googleTokenContext(row.id, 'access_token'),
        }),
        // Google normally sends no new refresh token (the old one comes back); if it does, it replaces the old.
        refreshTokenCiphertext: context.vault.encrypt(tokens.refreshToken, {
          context: googleTokenContext(row.id, 'refresh_token'),
        }),
        accessTokenExpiresAt: new Date(now + (tokens.expiresInSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS) * 1000),
        lastRefreshAt: new Date(now),
        updatedAt: new Date(now),
      })
      .where(and(eq(connections.id, row.id), eq(connections.state, 'connected')))
      .returning({ id: connections.id })
      .get();
    // Disconnected (or reconnected under a new id) while Google answered: these tokens belong to nobody now.
    if (updated == null) throw disconnectedError();
    return tokens.accessToken;
  }

  #requireReconnect(row: GoogleConnectionRow, error: GoogleOAuthError): GatewayError {
    const reason = error.kind;
    const marked = this.#context.db
      .update(connections)
      .set({ state: 'reconnect_required', stateReason: reason, updatedAt: new Date(this.#context.now()) })
      .where(eq(connections.id, row.id))
      .run().changes;
    // Gone meanwhile: the user disconnected (which revoked the grant, hence the refusal) or reconnected.
    if (marked === 0) return disconnectedError();
    recordAuditEvent(this.#context, {
      action: 'connection.reconnect_required',
      userId: row.userId,
      detail: { provider: 'google', reason, status: error.status ?? null },
    });
    return new GatewayError('reconnect_required', describeGoogleReconnectReason(reason), { cause: error });
  }

  #needsRefresh(row: GoogleConnectionRow, stored: string, rejectedAccessToken: string | undefined): boolean {
    if (rejectedAccessToken != null && rejectedAccessToken === stored) return true;
    const expiresAt = row.accessTokenExpiresAt?.getTime() ?? 0;
    return expiresAt - this.#context.now() <= REFRESH_WINDOW_MS;
  }

  #decryptAccessToken(row: GoogleConnectionRow): string {
    return this.#context.vault.decrypt(row.accessTokenCiphertext, {
      context: googleTokenContext(row.id, 'access_token'),
    });
  }
}

/** The stored reason in words, with what to do. */
export function describeGoogleReconnectReason(reason: string | null): string {
  return reason === 'invalid_client'
    ? 'Google refused the OAuth client (its secret changed or it was deleted): update it under Settings → Connections → Google, then connect again.'
    : 'Google no longer accepts the saved sign-in (revoked, expired or the password changed): connect the Google account again.';
}

function assertUsable(row: GoogleConnectionRow): void {
  if (row.state === 'reconnect_required') {
    throw new GatewayError('reconnect_required', describeGoogleReconnectReason(row.stateReason));
  }
}

function disconnectedError(): GatewayError {
  return new GatewayError('not_connected', 'The Google account was disconnected meanwhile: connect it again.');
}
