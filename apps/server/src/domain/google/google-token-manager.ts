import { GoogleOAuthError, refreshGoogleTokens } from '@pag/oauth-client';
import { eq } from 'drizzle-orm';
import { googleConnections } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { googleTokenContext } from './google-vault-contexts.ts';
import { readGoogleClientCredentials } from './read-google-client.ts';

/** Google access tokens live about an hour; refresh when less than 5 minutes are left. */
const REFRESH_WINDOW_MS = 5 * 60_000;

type GoogleConnectionRow = typeof googleConnections.$inferSelect;

/**
 * Hands out a live Google access token for a user's connected account, refreshing it shortly before it expires.
 * Google does not rotate refresh tokens (google-protocol.md §1.4), so two processes refreshing at once both get a
 * valid token: unlike ChatGPT, no cross-process lease is needed; one refresh per user at a time per process
 * keeps the token endpoint quiet. A refused refresh token marks the connection `reconnect_required`.
 */
export class GoogleTokenManager {
  readonly #context: ConnectionsContext;
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(context: ConnectionsContext) {
    this.#context = context;
  }

  /** The connection row, or null when the user has no Google account connected. */
  findConnection(userId: string): GoogleConnectionRow | null {
    return this.#context.db.select().from(googleConnections).where(eq(googleConnections.userId, userId)).get() ?? null;
  }

  /**
   * A live access token. `rejectedAccessToken`: Gemini refused this token (revoked or expired early at Google), so
   * refresh unless the stored one is already another (a concurrent request refreshed it).
   */
  async getAccessToken(userId: string, options: { rejectedAccessToken?: string } = {}): Promise<string> {
    const row = this.findConnection(userId);
    if (row == null) throw new GatewayError('not_connected', 'No Google account is connected for Gemini.');
    if (row.state === 'reconnect_required') throw reconnectError(row.stateReason);
    const expiresAt = row.accessTokenExpiresAt?.getTime() ?? 0;
    const stored = this.#context.vault.decrypt(row.accessTokenCiphertext, {
      context: googleTokenContext(row.id, 'access_token'),
    });
    const isRejected = options.rejectedAccessToken != null && options.rejectedAccessToken === stored;
    if (!isRejected && expiresAt - this.#context.now() > REFRESH_WINDOW_MS) return stored;
    const running = this.#inFlight.get(userId);
    if (running != null) return running;
    const refresh = this.#refresh(row).finally(() => this.#inFlight.delete(userId));
    this.#inFlight.set(userId, refresh);
    return refresh;
  }

  async #refresh(row: GoogleConnectionRow): Promise<string> {
    const context = this.#context;
    const client = readGoogleClientCredentials(context, row.userId);
    let tokens: Awaited<ReturnType<typeof refreshGoogleTokens>>;
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
      if (error instanceof GoogleOAuthError && (error.kind === 'invalid_grant' || error.kind === 'invalid_client')) {
        context.db
          .update(googleConnections)
          .set({ state: 'reconnect_required', stateReason: error.kind, updatedAt: new Date(context.now()) })
          .where(eq(googleConnections.id, row.id))
          .run();
        throw reconnectError(error.kind, error);
      }
      throw new GatewayError(
        'upstream_unavailable',
        `Google did not refresh the access token: ${(error as Error).message}`,
        {
          cause: error,
          retryAfterSeconds: error instanceof GoogleOAuthError ? (error.retryAfterSeconds ?? 30) : 30,
        },
      );
    }
    const now = context.now();
    context.db
      .update(googleConnections)
      .set({
        accessTokenCiphertext: context.vault.encrypt(tokens.accessToken, {
          context: googleTokenContext(row.id, 'access_token'),
        }),
        // Google normally sends no new refresh token (the old one comes back); if it does, it replaces the old.
        refreshTokenCiphertext: context.vault.encrypt(tokens.refreshToken, {
          context: googleTokenContext(row.id, 'refresh_token'),
        }),
        accessTokenExpiresAt: new Date(now + (tokens.expiresInSeconds ?? 3599) * 1000),
        lastRefreshAt: new Date(now),
        updatedAt: new Date(now),
      })
      .where(eq(googleConnections.id, row.id))
      .run();
    return tokens.accessToken;
  }
}

/** The stored reason in words, with what to do. */
export function describeGoogleReconnectReason(reason: string | null): string {
  return reason === 'invalid_client'
    ? 'Google refused the OAuth client (its secret changed or it was deleted): update it under Settings → Connections → Google, then connect again.'
    : 'Google no longer accepts the saved sign-in (revoked, expired or the password changed): connect the Google account again.';
}

function reconnectError(reason: string | null, cause?: unknown): GatewayError {
  return new GatewayError('reconnect_required', describeGoogleReconnectReason(reason), { cause });
}
