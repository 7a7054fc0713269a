import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { connections } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import { LruMap } from '../lru-map.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import type { ConnectionsContext } from './connections-context.ts';
import type { ConnectionRow } from './to-connection-dto.ts';

export type ConnectionTokenColumn = 'id_token' | 'access_token' | 'refresh_token';
type ConnectionUpdate = Partial<typeof connections.$inferInsert>;

/**
 * What one provider adds to the shared refresh mechanics of `ConnectionTokenManager`: how it refreshes, which
 * failures are permanent, when a token is due, what a stored token and the handed-out token look like, and its
 * messages. `TokenSet` is what the provider's refresh returns.
 */
export type ConnectionTokenPolicy<Token, TokenSet> = {
  provider: ConnectionRow['provider'];
  /** The vault context of a token column of this provider's rows (domain/vault/encrypted-columns.ts). */
  tokenContext(connectionId: string, column: ConnectionTokenColumn): string;
  /** Whether the stored access token is due for a refresh by time alone (a rejected token always is). */
  isDue(row: ConnectionRow, now: number): boolean;
  /**
   * Asks the upstream for new tokens. `storeRotatedRefreshToken` persists a rotated refresh token the moment the
   * answer shows it, for upstreams that rotate (docs/codex-protocol.md §4).
   */
  refresh(options: {
    row: ConnectionRow;
    accessToken: string;
    rejectedAccessToken: string | undefined;
    decrypt: (column: ConnectionTokenColumn) => string;
    storeRotatedRefreshToken: (refreshToken: string) => void;
  }): Promise<TokenSet>;
  /** A refusal no retry can fix (the grant is gone): its reason and HTTP status, else null. */
  permanentFailure(error: unknown): { reason: string; status: number | null } | null;
  /** The columns a successful refresh writes (ciphertexts, expiry, claims), besides the refresh bookkeeping. */
  storedTokens(row: ConnectionRow, tokens: TokenSet, now: number): ConnectionUpdate;
  accessTokenOf(tokens: TokenSet): string;
  /** What callers get: the access token, with what else the upstream needs. */
  toToken(row: ConnectionRow, accessToken: string): Token;
  /** Backoff before the next attempt after `failures` transient failures in a row; null: retry at the next call. */
  backoffMs(failures: number): number | null;
  /** While refreshing fails transiently: whether the stored access token may still be handed out. */
  isStillUsable(row: ConnectionRow, accessToken: string, rejectedAccessToken: string | undefined, now: number): boolean;
  /** Refreshing failed transiently and the stored token is no longer usable. */
  unavailableError(retryInMs: number, cause: unknown): GatewayError;
  notConnectedError(): GatewayError;
  /** The row went away (disconnected, or replaced by a new sign-in under a new id) while we looked at it. */
  disconnectedError(): GatewayError;
  reconnectRequiredError(reason: string | null, cause?: unknown): GatewayError;
  /** Another process held the refresh lease for longer than it may. */
  leaseTimeoutError(): GatewayError;
};

/** How long one process may hold the right to refresh; past it another process may take over. */
const REFRESH_LEASE_MS = 30_000;
/** How often a process waiting for another's refresh looks at the row again. */
const LEASE_POLL_MS = 50;
/** Decrypted access tokens kept (see `#decryptAccessToken`): one per connection, and a home gateway has a handful. */
const ACCESS_TOKEN_CACHE_SIZE = 64;

const selectConnection = preparedQuery((db) =>
  db
    .select()
    .from(connections)
    .where(
      and(eq(connections.userId, sql.placeholder('userId')), eq(connections.provider, sql.placeholder('provider'))),
    )
    .prepare(),
);

const selectConnectionById = preparedQuery((db) =>
  db
    .select()
    .from(connections)
    .where(and(eq(connections.id, sql.placeholder('id')), eq(connections.provider, sql.placeholder('provider'))))
    .prepare(),
);

/**
 * Hands out live access tokens of one provider's connections and refreshes them correctly, the same way for every
 * provider (docs/codex-protocol.md §4, docs/google-protocol.md §1.4):
 * - proactively when the policy says the token is due, and once on demand after the upstream refused it;
 * - single-flight in this process: concurrent callers share one refresh;
 * - reload before refreshing: the row is read again first, so a token another process just refreshed is used;
 * - across processes, a lease taken by compare-and-swap on the row's `version` lets only one process use the
 *   refresh token; the others wait for it and reload the row instead of refreshing too;
 * - a permanent failure puts the connection in `reconnect_required` (audited) and is never retried; a transient one
 *   keeps a still-usable access token and backs off as the policy says, on the row so every process honours it;
 * - writes are keyed by the row's id, and a new sign-in gets a new id or a new version: a refresh finishing after a
 *   reconnect or a disconnect cannot overwrite or resurrect anything.
 */
export class ConnectionTokenManager<Token, TokenSet> {
  readonly #context: ConnectionsContext;
  readonly #policy: ConnectionTokenPolicy<Token, TokenSet>;
  readonly #inFlight = new Map<string, Promise<Token>>();
  readonly #accessTokens = new LruMap<string, string>(ACCESS_TOKEN_CACHE_SIZE);

  constructor(context: ConnectionsContext, policy: ConnectionTokenPolicy<Token, TokenSet>) {
    this.#context = context;
    this.#policy = policy;
  }

  /** The user's connection of this provider, or null. */
  findConnection(userId: string): ConnectionRow | null {
    return selectConnection(this.#context.db).get({ userId, provider: this.#policy.provider }) ?? null;
  }

  /**
   * A live access token. `rejectedAccessToken`: the upstream refused this token, so refresh unless the stored one
   * is already another (a concurrent request refreshed it).
   */
  async getAccessToken(userId: string, options: { rejectedAccessToken?: string | undefined } = {}): Promise<Token> {
    const row = this.findConnection(userId);
    if (row == null) throw this.#policy.notConnectedError();
    this.#assertUsable(row);
    const accessToken = this.#decryptAccessToken(row);
    if (!this.#needsRefresh(row, accessToken, options.rejectedAccessToken)) {
      return this.#policy.toToken(row, accessToken);
    }
    const running = this.#inFlight.get(row.id);
    if (running != null) return running;
    const refresh = this.#refreshDurably(row.id, options.rejectedAccessToken).finally(() => {
      this.#inFlight.delete(row.id);
    });
    this.#inFlight.set(row.id, refresh);
    return refresh;
  }

  async #refreshDurably(connectionId: string, rejectedAccessToken: string | undefined): Promise<Token> {
    const giveUpAt = Date.now() + REFRESH_LEASE_MS + 5_000;
    for (;;) {
      // Reload before refreshing: another process may have refreshed (or failed) since we last looked.
      const row = selectConnectionById(this.#context.db).get({ id: connectionId, provider: this.#policy.provider });
      if (row == null) throw this.#policy.disconnectedError();
      this.#assertUsable(row);
      const accessToken = this.#decryptAccessToken(row);
      if (!this.#needsRefresh(row, accessToken, rejectedAccessToken)) return this.#policy.toToken(row, accessToken);
      const now = this.#context.now();
      if (row.nextRefreshAttemptAt != null && row.nextRefreshAttemptAt.getTime() > now) {
        return this.#useStillUsableOrThrow(
          row,
          accessToken,
          rejectedAccessToken,
          row.nextRefreshAttemptAt.getTime() - now,
        );
      }
      if (this.#acquireLease(row)) return this.#refreshWithLease(row, accessToken, rejectedAccessToken);
      if (Date.now() > giveUpAt) throw this.#policy.leaseTimeoutError();
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

  async #refreshWithLease(row: ConnectionRow, accessToken: string, rejectedAccessToken: string | undefined) {
    // The row as this refresh last wrote it: storing a rotated refresh token on its own bumps the version.
    let current = row;
    let tokens: TokenSet;
    try {
      tokens = await this.#policy.refresh({
        row,
        accessToken,
        rejectedAccessToken,
        decrypt: (column) => this.#decrypt(row, column),
        storeRotatedRefreshToken: (refreshToken) => {
          current = this.#storeRotatedRefreshToken(current, refreshToken);
        },
      });
    } catch (error) {
      // Our own refusal before the upstream was asked (no OAuth client saved, say): nothing to back off from.
      if (error instanceof GatewayError) {
        this.#releaseLease(current);
        throw error;
      }
      const permanent = this.#policy.permanentFailure(error);
      if (permanent != null) throw this.#requireReconnect(current, permanent, error);
      const retryInMs = this.#recordTransientFailure(current);
      return this.#useStillUsableOrThrow(current, accessToken, rejectedAccessToken, retryInMs, error);
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
          context: this.#policy.tokenContext(row.id, 'refresh_token'),
        }),
        version: row.version + 1,
        updatedAt: new Date(this.#context.now()),
      })
      .where(and(eq(connections.id, row.id), eq(connections.version, row.version)))
      .returning()
      .get();
    return updated ?? row;
  }

  #persistRefreshedTokens(row: ConnectionRow, tokens: TokenSet): Token {
    const now = this.#context.now();
    const updated = this.#context.db
      .update(connections)
      .set({
        ...this.#policy.storedTokens(row, tokens, now),
        version: row.version + 1,
        refreshLeaseUntil: null,
        nextRefreshAttemptAt: null,
        refreshFailureCount: 0,
        lastRefreshAt: new Date(now),
        updatedAt: new Date(now),
      })
      .where(and(eq(connections.id, row.id), eq(connections.state, 'connected')))
      .returning()
      .get();
    // Disconnected (or reconnected under a new id) while the upstream answered: these tokens belong to nobody now.
    if (updated == null) throw this.#policy.disconnectedError();
    return this.#policy.toToken(updated, this.#policy.accessTokenOf(tokens));
  }

  #requireReconnect(row: ConnectionRow, failure: { reason: string; status: number | null }, cause: unknown) {
    const marked = this.#context.db
      .update(connections)
      .set({
        state: 'reconnect_required',
        stateReason: failure.reason,
        refreshLeaseUntil: null,
        version: row.version + 1,
        updatedAt: new Date(this.#context.now()),
      })
      .where(eq(connections.id, row.id))
      .run().changes;
    // Gone meanwhile: the user disconnected (which revoked the grant, hence the refusal) or reconnected.
    if (marked === 0) return this.#policy.disconnectedError();
    recordAuditEvent(this.#context, {
      action: 'connection.reconnect_required',
      userId: row.userId,
      detail: { provider: this.#policy.provider, reason: failure.reason, status: failure.status },
    });
    return this.#policy.reconnectRequiredError(failure.reason, cause);
  }

  /** Counts the failure, frees the lease and stores the policy's backoff on the row, for every process. */
  #recordTransientFailure(row: ConnectionRow): number {
    const failures = row.refreshFailureCount + 1;
    const backoffMs = this.#policy.backoffMs(failures);
    const now = this.#context.now();
    this.#context.db
      .update(connections)
      .set({
        refreshFailureCount: failures,
        nextRefreshAttemptAt: backoffMs == null ? null : new Date(now + backoffMs),
        refreshLeaseUntil: null,
        updatedAt: new Date(now),
      })
      .where(eq(connections.id, row.id))
      .run();
    return backoffMs ?? 0;
  }

  #releaseLease(row: ConnectionRow): void {
    this.#context.db.update(connections).set({ refreshLeaseUntil: null }).where(eq(connections.id, row.id)).run();
  }

  #useStillUsableOrThrow(
    row: ConnectionRow,
    accessToken: string,
    rejectedAccessToken: string | undefined,
    retryInMs: number,
    cause?: unknown,
  ): Token {
    if (this.#policy.isStillUsable(row, accessToken, rejectedAccessToken, this.#context.now())) {
      return this.#policy.toToken(row, accessToken);
    }
    throw this.#policy.unavailableError(retryInMs, cause);
  }

  #needsRefresh(row: ConnectionRow, accessToken: string, rejectedAccessToken: string | undefined): boolean {
    if (rejectedAccessToken != null && accessToken === rejectedAccessToken) return true;
    return this.#policy.isDue(row, this.#context.now());
  }

  #assertUsable(row: ConnectionRow): void {
    if (row.state === 'reconnect_required') throw this.#policy.reconnectRequiredError(row.stateReason);
  }

  /**
   * Read on every request: kept in clear per ciphertext, so a refreshed token (a new ciphertext) is decrypted
   * afresh and the old one is never handed out again.
   */
  #decryptAccessToken(row: ConnectionRow): string {
    const key = `${row.id}\0${row.accessTokenCiphertext}`;
    const cached = this.#accessTokens.get(key);
    if (cached != null) return cached;
    const accessToken = this.#decrypt(row, 'access_token');
    this.#accessTokens.set(key, accessToken);
    return accessToken;
  }

  #decrypt(row: ConnectionRow, column: ConnectionTokenColumn): string {
    const ciphertext = {
      id_token: row.idTokenCiphertext,
      access_token: row.accessTokenCiphertext,
      refresh_token: row.refreshTokenCiphertext,
    }[column];
    // Only ChatGPT keeps an id token; a policy asking for a column its rows lack has a broken row.
    if (ciphertext == null) throw this.#policy.reconnectRequiredError(null);
    return this.#context.vault.decrypt(ciphertext, { context: this.#policy.tokenContext(row.id, column) });
  }
}
