import {
  CodexOAuthError,
  type CodexRefreshReason,
  type CodexTokenSet,
  readCodexTokenClaims,
  refreshCodexTokens,
} from '@pag/oauth-client';
import { GatewayError } from '../gateway-error.ts';
import { ConnectionTokenManager, type ConnectionTokenPolicy } from './connection-token-manager.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { effectiveRefreshWindowMs } from './effective-refresh-window.ts';
import { encryptTokens, tokenContext } from './save-chatgpt-connection.ts';
import type { ConnectionRow } from './to-connection-dto.ts';
import { describeReconnectReason } from './to-connection-dto.ts';

/** What a provider needs to call the Codex backend for a user. */
export type ChatgptAccessToken = { accessToken: string; accountId: string; connectionId: string };

/** Without a readable `exp`, refresh when the last refresh is older than this (as the official client does). */
const FALLBACK_REFRESH_AGE_MS = 8 * 24 * 60 * 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * Hands out valid ChatGPT access tokens and refreshes them correctly (docs/codex-protocol.md §4), on the shared
 * mechanics of `ConnectionTokenManager` (single-flight, reload-before-refresh, the cross-process lease, backoff on
 * the row). What is ChatGPT's own:
 * - refreshed when the access token expires within the configured window, or within half its lifetime if that is
 *   shorter (without an `exp`, after 8 days), and once on demand after an upstream 401, telling the server which
 *   of the two it is (docs/codex-protocol.md §10);
 * - refresh tokens rotate, so the lease matters: a second process refreshing with the same token would be refused
 *   as reused. The rotated refresh token is persisted the moment the answer shows it, before the rest of the answer
 *   is even checked: the old one is dead from then on;
 * - a permanent failure (`refresh_token_reused`/`_expired`/`_invalidated`, 401) asks the user to sign in again; a
 *   transient one keeps the still-valid access token and backs off 30 s, 1 min, 2 min, … 15 min. A reuse refusal
 *   after our own refresh was cut short by a crash is reported as that (`refresh_interrupted`), not as another
 *   program having used the sign-in.
 */
export class ChatgptTokenManager {
  readonly #core: ConnectionTokenManager<ChatgptAccessToken, CodexTokenSet>;

  constructor(context: ConnectionsContext) {
    this.#core = new ConnectionTokenManager(context, chatgptTokenPolicy(context));
  }

  /** The user's ChatGPT connection row, or null: read on every subscription request by the router. */
  findConnection(userId: string): Promise<ConnectionRow | null> {
    return this.#core.findConnection(userId);
  }

  /**
   * A valid access token for the user's ChatGPT connection.
   *
   * @param options.rejectedAccessToken the token the Codex backend just answered 401 to: forces one refresh
   *   unless someone already replaced that token.
   */
  getAccessToken(userId: string, options: { rejectedAccessToken?: string } = {}): Promise<ChatgptAccessToken> {
    return this.#core.getAccessToken(userId, options);
  }
}

function chatgptTokenPolicy(context: ConnectionsContext): ConnectionTokenPolicy<ChatgptAccessToken, CodexTokenSet> {
  return {
    provider: 'chatgpt',
    tokenContext,
    isDue: (row, now) => {
      if (row.accessTokenExpiresAt == null) {
        return (row.lastRefreshAt ?? row.connectedAt).getTime() + FALLBACK_REFRESH_AGE_MS <= now;
      }
      return row.accessTokenExpiresAt.getTime() - effectiveRefreshWindowMs(row, context.chatgpt.refreshWindowMs) <= now;
    },
    refresh: ({ accessToken, rejectedAccessToken, decrypt, storeRotatedRefreshToken }) => {
      // Told to the server as the official client tells it (docs/codex-protocol.md §10).
      const refreshReason: CodexRefreshReason =
        rejectedAccessToken != null && accessToken === rejectedAccessToken
          ? 'unauthorized_recovery'
          : 'proactive_expiry';
      return refreshCodexTokens({
        baseUrl: context.chatgpt.authBaseUrl,
        identity: context.chatgpt.identity,
        fetch: context.chatgpt.fetch,
        refreshToken: decrypt('refresh_token'),
        previousIdToken: decrypt('id_token'),
        refreshReason,
        // From here the stored refresh token is dead. If the rest of the answer is then refused (no access token,
        // say), the new one is all that still works: without it the next refresh would be refused as reused and
        // the user sent to sign in again for a hiccup of ours.
        onRefreshTokenRotated: storeRotatedRefreshToken,
      });
    },
    permanentFailure: (error, { afterInterruptedRefresh }) => {
      if (!(error instanceof CodexOAuthError && error.isPermanent)) return null;
      // Refresh tokens rotate (docs/codex-protocol.md §4.3): the refresh a crash interrupted may have spent this one.
      const reason =
        error.kind === 'refresh_token_reused' && afterInterruptedRefresh ? 'refresh_interrupted' : error.kind;
      return { reason, status: error.status ?? null };
    },
    storedTokens: (row, tokens, now) => {
      let claims: ReturnType<typeof readCodexTokenClaims> | null = null;
      try {
        claims = readCodexTokenClaims(tokens);
      } catch {
        // The new pair is valid and the old refresh token is already dead: store it whatever its claims say.
      }
      return {
        ...encryptTokens(context, row.id, tokens),
        accessTokenExpiresAt:
          claims?.accessTokenExpiresAt ??
          (tokens.expiresInSeconds == null ? null : new Date(now + tokens.expiresInSeconds * 1000)),
        planType: claims?.planType ?? row.planType,
        email: claims?.email ?? row.email,
      };
    },
    accessTokenOf: (tokens) => tokens.accessToken,
    toToken: (row, accessToken) => ({ accessToken, accountId: row.accountId, connectionId: row.id }),
    backoffMs: (failures) => Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** (failures - 1)),
    isStillUsable: (row, _accessToken, _rejectedAccessToken, now) => {
      const expiresAt = row.accessTokenExpiresAt?.getTime();
      return expiresAt != null && expiresAt > now;
    },
    unavailableError: (retryInMs, cause) =>
      new GatewayError(
        'upstream_unavailable',
        `The ChatGPT sign-in needs a refresh and auth.openai.com is not answering properly; retrying in ${Math.ceil(retryInMs / 1000)} s.`,
        { cause, retryAfterSeconds: Math.ceil(retryInMs / 1000) },
      ),
    notConnectedError: () =>
      new GatewayError('not_connected', 'No ChatGPT account is connected: connect one in Settings → Connections.'),
    disconnectedError: () => new GatewayError('not_connected', 'The ChatGPT account was disconnected meanwhile.'),
    reconnectRequiredError: (reason, cause) =>
      new GatewayError(
        'reconnect_required',
        describeReconnectReason(reason) ?? 'Sign in to ChatGPT again.',
        cause == null ? undefined : { cause },
      ),
    leaseTimeoutError: () =>
      new GatewayError('upstream_unavailable', 'Refreshing the ChatGPT sign-in is taking too long.', {
        retryAfterSeconds: 5,
      }),
  };
}
