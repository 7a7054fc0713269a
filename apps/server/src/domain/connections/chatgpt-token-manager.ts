import { setTimeout as sleep } from 'node:timers/promises';
import {
  CodexOAuthError,
  type CodexRefreshReason,
  type CodexTokenSet,
  readCodexTokenClaims,
  refreshCodexTokens,
} from '@pag/oauth-client';
import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { connections } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import { LruMap } from '../lru-map.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { encryptTokens, tokenContext } from './save-chatgpt-connection.ts';
import { selectChatgptConnection } from './select-chatgpt-connection.ts';
import { type ConnectionRow, describeReconnectReason } from './to-connection-dto.ts';

/** What a provider needs to call the Codex backend for a user. */
export type ChatgptAccessToken = { accessToken: string; accountId: string; connectionId: string };

/** How long one process may hold the right to refresh; past it another process may take over. */
const REFRESH_LEASE_MS = 30_000;
/** How often a process waiting for another's refresh looks at the row again. */
const LEASE_POLL_MS = 50;
/** Without a readable `exp`, refresh when the last refresh is older than this (as the official client does). */
const FALLBACK_REFRESH_AGE_MS = 8 * 24 * 60 * 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** Decrypted access tokens kept (see `#decrypt`): one per connection, and a home gateway has a handful. */
const ACCESS_TOKEN_CACHE_SIZE = 64;

const selectConnectionById = preparedQuery((db) =>
  db
    .select()
    .from(connections)
    .where(eq(connections.id, sql.placeholder('id')))
    .prepare(),
);

/**
 * Hands out valid ChatGPT access tokens and refreshes them correctly (docs/codex-protocol.md §4):
 * - proactively when the access token expires within the refresh window, and once on demand after an upstream 401;
 * - single-flight in this process: concurrent callers share one refresh;
 * - durable across processes: a lease taken by compare-and-swap on the row's `version` lets only one process use
 *   the refresh token; the others wait and reload the row (reload-before-refresh) instead of refreshing too;
 * - the rotated refresh token is persisted the moment the answer shows it, before the rest of the answer is even
 *   checked, and the whole pair before anyone uses it: the old refresh token is dead from then on;
 * - a permanent failure (`refresh_token_reused`/`_expired`/`_invalidated`, 401) puts the connection in
 *   `reconnect_required` and is never retried; a transient one keeps the still-valid access token and backs off.
 */
export class ChatgptTokenManager {
  readonly #context: ConnectionsContext;
  readonly #inFlight = new Map<string, Promise<ChatgptAccessToken>>();
  /** Access tokens in clear by connection and ciphertext (see `#decrypt`); one per connection in use. */
  readonly #accessTokens = new LruMap<string, string>(ACCESS_TOKEN_CACHE_SIZE);

  constructor(context: ConnectionsContext) {
    this.#context = context;
  }

  /**
   * A valid access token for the user's ChatGPT connection.
   *
   * @param options.rejectedAccessToken the token the Codex backend just answered 401 to: forces one refresh
   *   unless someone already replaced that token.
   */
  async getAccessToken(userId: string, options: { rejectedAccessToken?: string } = {}): Promise<ChatgptAccessToken> {
    const row = this.#loadForUser(userId);
    assertUsable(row);
    const accessToken = this.#decrypt(row, 'access_token');
    if (!this.#needsRefresh(row, accessToken, options.rejectedAccessToken)) return toAccessToken(row, accessToken);
    return this.#refreshOnce(row.id, options.rejectedAccessToken);
  }

  #refreshOnce(connectionId: string, rejectedAccessToken: string | undefined): Promise<ChatgptAccessToken> {
    const running = this.#inFlight.get(connectionId);
    if (running != null) return running;
    const refresh = this.#refreshDurably(connectionId, rejectedAccessToken).finally(() => {
      this.#inFlight.delete(connectionId);
    });
    this.#inFlight.set(connectionId, refresh);
    return refresh;
  }

  async #refreshDurably(connectionId: string, rejectedAccessToken: string | undefined): Promise<ChatgptAccessToken> {
    const giveUpAt = Date.now() + REFRESH_LEASE_MS + 5_000;
    for (;;) {
      // Reload before refreshing: another process may have refreshed (or failed) since we last looked.
      const row = this.#loadById(connectionId);
      assertUsable(row);
      const accessToken = this.#decrypt(row, 'access_token');
      if (!this.#needsRefresh(row, accessToken, rejectedAccessToken)) return toAccessToken(row, accessToken);
      const now = this.#context.now();
      if (row.nextRefreshAttemptAt != null && row.nextRefreshAttemptAt.getTime() > now) {
        return this.#useStillValidOrThrow(row, accessToken, row.nextRefreshAttemptAt.getTime() - now);
      }
      if (this.#acquireLease(row)) {
        // Told to the server as the official client tells it (docs/codex-protocol.md §10).
        const reason: CodexRefreshReason =
          rejectedAccessToken != null && accessToken === rejectedAccessToken
            ? 'unauthorized_recovery'
            : 'proactive_expiry';
        return this.#refreshWithLease(row, accessToken, reason);
      }
      if (Date.now() > giveUpAt) {
        throw new GatewayError('upstream_unavailable', 'Refreshing the ChatGPT sign-in is taking too long.', {
          retryAfterSeconds: 5,
        });
      }
      await sleep(LEASE_POLL_MS);
    }
  }

  /** Compare-and-swap: only the process that sees this exact version, with no live lease, gets to refresh. */
  #acquireLease(row: ConnectionRow): boolean {
    const now = this.#context.now();
    return (
      this.#context.db
        .update(connections)
        .set({ refreshLeaseUntil: new Date(now + REFRESH_LEASE_MS) })
        .where(
          and(
            eq(connections.id, row.id),
            eq(connections.version, row.version),
            or(isNull(connections.refreshLeaseUntil), lte(connections.refreshLeaseUntil, new Date(now))),
          ),
        )
        .run().changes === 1
    );
  }

  async #refreshWithLease(
    row: ConnectionRow,
    accessToken: string,
    refreshReason: CodexRefreshReason,
  ): Promise<ChatgptAccessToken> {
    // The row as this refresh last wrote it: storing a rotated refresh token on its own bumps the version.
    let current = row;
    let tokens: CodexTokenSet;
    try {
      tokens = await refreshCodexTokens({
        baseUrl: this.#context.chatgpt.authBaseUrl,
        identity: this.#context.chatgpt.identity,
        fetch: this.#context.chatgpt.fetch,
        refreshToken: this.#decrypt(row, 'refresh_token'),
        previousIdToken: this.#decrypt(row, 'id_token'),
        refreshReason,
        // From here the stored refresh token is dead. If the rest of the answer is then refused (no access token,
        // say), the new one is all that still works: without it the next refresh would be refused as reused and
        // the user sent to sign in again for a hiccup of ours.
        onRefreshTokenRotated: (refreshToken) => {
          current = this.#storeRotatedRefreshToken(current, refreshToken);
        },
      });
    } catch (error) {
      if (error instanceof CodexOAuthError && error.isPermanent) throw this.#requireReconnect(current, error);
      const retryInMs = this.#recordTransientFailure(current);
      return this.#useStillValidOrThrow(current, accessToken, retryInMs, error);
    }
    return this.#persistRefreshedTokens(current, tokens);
  }

  /**
   * Writes only the refresh token, bumping the version and keeping the lease (the refresh is still under way).
   * Compare-and-swap on the version: if a new sign-in replaced the row meanwhile, its tokens win and this one,
   * of the old sign-in, is dropped.
   */
  #storeRotatedRefreshToken(row: ConnectionRow, refreshToken: string): ConnectionRow {
    const updated = this.#context.db
      .update(connections)
      .set({
        refreshTokenCiphertext: this.#context.vault.encrypt(refreshToken, {
          context: tokenContext(row.id, 'refresh_token'),
        }),
        version: row.version + 1,
        updatedAt: new Date(this.#context.now()),
      })
      .where(and(eq(connections.id, row.id), eq(connections.version, row.version)))
      .returning()
      .get();
    return updated ?? row;
  }

  #persistRefreshedTokens(row: ConnectionRow, tokens: CodexTokenSet): ChatgptAccessToken {
    const now = this.#context.now();
    let claims: ReturnType<typeof readCodexTokenClaims> | null = null;
    try {
      claims = readCodexTokenClaims(tokens);
    } catch {
      // The new pair is valid and the old refresh token is already dead: store it whatever its claims say.
    }
    const expiresAt =
      claims?.accessTokenExpiresAt ??
      (tokens.expiresInSeconds == null ? null : new Date(now + tokens.expiresInSeconds * 1000));
    const updated = this.#context.db
      .update(connections)
      .set({
        ...encryptTokens(this.#context, row.id, tokens),
        accessTokenExpiresAt: expiresAt,
        planType: claims?.planType ?? row.planType,
        email: claims?.email ?? row.email,
        version: row.version + 1,
        refreshLeaseUntil: null,
        nextRefreshAttemptAt: null,
        refreshFailureCount: 0,
        lastRefreshAt: new Date(now),
        updatedAt: new Date(now),
      })
      .where(eq(connections.id, row.id))
      .returning()
      .get();
    if (updated == null) throw new GatewayError('not_connected', 'The ChatGPT account was disconnected meanwhile.');
    return toAccessToken(updated, tokens.accessToken);
  }

  #requireReconnect(row: ConnectionRow, error: CodexOAuthError): GatewayError {
    const reason = error.kind;
    const now = new Date(this.#context.now());
    this.#context.db
      .update(connections)
      .set({
        state: 'reconnect_required',
        stateReason: reason,
        refreshLeaseUntil: null,
        version: row.version + 1,
        updatedAt: now,
      })
      .where(eq(connections.id, row.id))
      .run();
    recordAuditEvent(this.#context, {
      action: 'connection.reconnect_required',
      userId: row.userId,
      detail: { provider: 'chatgpt', reason, status: error.status ?? null },
    });
    return new GatewayError('reconnect_required', describeReconnectReason(reason) ?? 'Sign in to ChatGPT again.', {
      cause: error,
    });
  }

  /** Exponential backoff (30 s, 1 min, 2 min, … 15 min) stored on the row so every process honours it. */
  #recordTransientFailure(row: ConnectionRow): number {
    const failures = row.refreshFailureCount + 1;
    const backoffMs = Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** (failures - 1));
    const now = this.#context.now();
    this.#context.db
      .update(connections)
      .set({
        refreshFailureCount: failures,
        nextRefreshAttemptAt: new Date(now + backoffMs),
        refreshLeaseUntil: null,
        updatedAt: new Date(now),
      })
      .where(eq(connections.id, row.id))
      .run();
    return backoffMs;
  }

  #useStillValidOrThrow(
    row: ConnectionRow,
    accessToken: string,
    retryInMs: number,
    cause?: unknown,
  ): ChatgptAccessToken {
    const expiresAt = row.accessTokenExpiresAt?.getTime();
    if (expiresAt != null && expiresAt > this.#context.now()) return toAccessToken(row, accessToken);
    throw new GatewayError(
      'upstream_unavailable',
      `The ChatGPT sign-in needs a refresh and auth.openai.com is not answering properly; retrying in ${Math.ceil(retryInMs / 1000)} s.`,
      { cause, retryAfterSeconds: Math.ceil(retryInMs / 1000) },
    );
  }

  #needsRefresh(row: ConnectionRow, accessToken: string, rejectedAccessToken: string | undefined): boolean {
    if (rejectedAccessToken != null && accessToken === rejectedAccessToken) return true;
    const now = this.#context.now();
    if (row.accessTokenExpiresAt == null) {
      return (row.lastRefreshAt ?? row.connectedAt).getTime() + FALLBACK_REFRESH_AGE_MS <= now;
    }
    return row.accessTokenExpiresAt.getTime() - this.#context.chatgpt.refreshWindowMs <= now;
  }

  #decrypt(row: ConnectionRow, column: 'id_token' | 'access_token' | 'refresh_token'): string {
    if (column === 'access_token') {
      // Read on every subscription request: kept in clear per ciphertext, so a refreshed token (a new ciphertext)
      // is decrypted afresh and the old one is never handed out again.
      const key = `${row.id}\0${row.accessTokenCiphertext}`;
      const cached = this.#accessTokens.get(key);
      if (cached != null) return cached;
      const accessToken = this.#context.vault.decrypt(row.accessTokenCiphertext, {
        context: tokenContext(row.id, column),
      });
      this.#accessTokens.set(key, accessToken);
      return accessToken;
    }
    const ciphertext = column === 'id_token' ? row.idTokenCiphertext : row.refreshTokenCiphertext;
    // Every ChatGPT row has an id token (saveChatgptConnection); only Google's rows in the shared table lack one.
    if (ciphertext == null)
      throw new GatewayError('not_connected', 'The ChatGPT sign-in is incomplete: sign in again.');
    return this.#context.vault.decrypt(ciphertext, { context: tokenContext(row.id, column) });
  }

  #loadForUser(userId: string): ConnectionRow {
    const row = selectChatgptConnection(this.#context.db).get({ userId });
    if (row == null)
      throw new GatewayError(
        'not_connected',
        'No ChatGPT account is connected: connect one in Settings → Connections.',
      );
    return row;
  }

  #loadById(connectionId: string): ConnectionRow {
    const row = selectConnectionById(this.#context.db).get({ id: connectionId });
    if (row == null) throw new GatewayError('not_connected', 'The ChatGPT account was disconnected.');
    return row;
  }
}

function assertUsable(row: ConnectionRow): void {
  if (row.state === 'reconnect_required') {
    throw new GatewayError(
      'reconnect_required',
      describeReconnectReason(row.stateReason) ?? 'Sign in to ChatGPT again.',
    );
  }
}

function toAccessToken(row: ConnectionRow, accessToken: string): ChatgptAccessToken {
  return { accessToken, accountId: row.accountId, connectionId: row.id };
}
