import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, getTableColumns, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { preparedQuery } from '../../db/prepared-query.ts';
import { connections } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { LruMap } from '../lru-map.ts';
import { cachedRead } from '../read-cache/read-cache.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import type { ConnectionsContext } from './connections-context.ts';
import {
  isLeaseOwnerGone,
  parseLeaseOwner,
  serializeLeaseOwner,
  thisProcessAsLeaseOwner,
} from './refresh-lease-owner.ts';
import type { ConnectionRow } from './to-connection-dto.ts';

export type ConnectionTokenColumn = 'id_token' | 'access_token' | 'refresh_token';
type ConnectionUpdate = Partial<typeof connections.$inferInsert>;

/**
 * A connection row as the request cache may keep it: every column but those whose writes leave the cache version
 * (a refresh's lease, the answers' rate limits; db/cache-version.ts). What decides whether a stored access token can
 * be handed out reads only these, so the type keeps a lease or a rate limit from being read stale.
 */
export type TokenRow = Omit<
  ConnectionRow,
  'refreshLeaseUntil' | 'refreshLeaseOwner' | 'refreshInterruptedAt' | 'rateLimits' | 'rateLimitsAt'
>;

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
  isDue(row: TokenRow, now: number): boolean;
  /**
   * Asks the upstream for new tokens. `storeRotatedRefreshToken` persists a rotated refresh token the moment the
   * answer shows it, for upstreams that rotate (docs/codex-protocol.md §4).
   */
  refresh(options: {
    row: ConnectionRow;
    accessToken: string;
    rejectedAccessToken: string | undefined;
    decrypt: (column: ConnectionTokenColumn) => string;
    storeRotatedRefreshToken: (refreshToken: string) => Promise<void>;
  }): Promise<TokenSet>;
  /**
   * A refusal no retry can fix (the grant is gone): its reason and HTTP status, else null.
   * `afterInterruptedRefresh`: an earlier refresh of this row died with its outcome unknown (the process was killed
   * after sending it), so a refresh token refused as already used was most likely spent by that refresh.
   */
  permanentFailure(
    error: unknown,
    options: { afterInterruptedRefresh: boolean },
  ): { reason: string; status: number | null } | null;
  /** The columns a successful refresh writes (ciphertexts, expiry, claims), besides the refresh bookkeeping. */
  storedTokens(row: ConnectionRow, tokens: TokenSet, now: number): ConnectionUpdate;
  accessTokenOf(tokens: TokenSet): string;
  /** What callers get: the access token, with what else the upstream needs. */
  toToken(row: TokenRow, accessToken: string): Token;
  /** Backoff before the next attempt after `failures` transient failures in a row; null: retry at the next call. */
  backoffMs(failures: number): number | null;
  /** While refreshing fails transiently: whether the stored access token may still be handed out. */
  isStillUsable(row: TokenRow, accessToken: string, rejectedAccessToken: string | undefined, now: number): boolean;
  /** Refreshing failed transiently and the stored token is no longer usable. */
  unavailableError(retryInMs: number, cause: unknown): GatewayError;
  notConnectedError(): GatewayError;
  /** The row went away (disconnected, or replaced by a new sign-in under a new id) while we looked at it. */
  disconnectedError(): GatewayError;
  reconnectRequiredError(reason: string | null, cause?: unknown): GatewayError;
  /** Another process held the refresh lease for longer than it may. */
  leaseTimeoutError(): GatewayError;
};

/**
 * How far ahead a refresh lease runs. Its owner's heartbeat pushes it forward while the refresh is in flight, so it
 * lapses this soon after the owner stops: the bound on waiting for an owner whose death no one here can see (one on
 * another machine). An owner on this machine that is gone is seen at once (refresh-lease-owner.ts).
 */
const LEASE_TTL_MS = 5_000;
/** How often the owner renews its lease: several renewals per TTL, so one slow tick does not lose it. */
const LEASE_HEARTBEAT_MS = 1_000;
/** How long a caller waits for another process's refresh before giving up (that refresh's own call is bounded). */
const MAX_LEASE_WAIT_MS = 30_000;
/** How often a process waiting for another's refresh looks at the row again. */
const LEASE_POLL_MS = 50;
/** Decrypted access tokens kept (see `#decryptAccessToken`): one per connection, and a home gateway has a handful. */
const ACCESS_TOKEN_CACHE_SIZE = 64;

type LeaseState = { kind: 'free' } | { kind: 'held' } | { kind: 'abandoned'; ownerText: string };

const selectConnection = preparedQuery('select_connection_by_user', (db) =>
  db
    .select()
    .from(connections)
    .where(
      and(eq(connections.userId, sql.placeholder('userId')), eq(connections.provider, sql.placeholder('provider'))),
    ),
);

// The columns of a `TokenRow`: the table's, less those named here.
const { refreshLeaseUntil, refreshLeaseOwner, refreshInterruptedAt, rateLimits, rateLimitsAt, ...TOKEN_ROW_COLUMNS } =
  getTableColumns(connections);

const selectTokenRow = preparedQuery('select_connection_token_row_by_user', (db) =>
  db
    .select(TOKEN_ROW_COLUMNS)
    .from(connections)
    .where(
      and(eq(connections.userId, sql.placeholder('userId')), eq(connections.provider, sql.placeholder('provider'))),
    ),
);

/**
 * The token row every subscription request reads, through the request cache (docs/request-cache.md): a refresh,
 * a reconnect or a disconnect, by this process or any other, moves the cache version, so the next request reads
 * the row again. Reading it from the database was about 45 µs of each request, three ciphertexts copied and mapped
 * (issue 22 profile). A missing row is not kept.
 */
const findTokenRow = cachedRead(
  'connection-token-row',
  async (context: DomainContext, userId: string, provider: string) => {
    const [row] = await selectTokenRow(context.db).execute({ userId, provider });
    return row ?? null;
  },
  { shouldKeep: (row) => row != null },
);

const selectConnectionById = preparedQuery('select_connection_by_id', (db) =>
  db
    .select()
    .from(connections)
    .where(and(eq(connections.id, sql.placeholder('id')), eq(connections.provider, sql.placeholder('provider')))),
);

/**
 * Hands out live access tokens of one provider's connections and refreshes them correctly, the same way for every
 * provider (docs/codex-protocol.md §4, docs/google-protocol.md §1.4):
 * - proactively when the policy says the token is due, and once on demand after the upstream refused it;
 * - single-flight in this process: concurrent callers share one refresh;
 * - reload before refreshing: the row is read again first, so a token another process just refreshed is used;
 * - across processes, a lease taken by compare-and-swap on the row's `version` lets only one process use the
 *   refresh token; the others wait for it and reload the row instead of refreshing too. The lease names its owner
 *   and is kept alive by a heartbeat, so a process that finds the owner dead (killed mid-refresh) takes it over at
 *   once, and one that cannot tell waits only for the short TTL. Such a refresh's outcome is unknown: the row is
 *   read again and, if the token is still due, refreshed once; if the upstream then says the refresh token was
 *   already used, the user is told that our own interrupted refresh spent it (not that another program did);
 * - a permanent failure puts the connection in `reconnect_required` (audited) and is never retried; a transient one
 *   keeps a still-usable access token and backs off as the policy says, on the row so every process honours it;
 * - writes are keyed by the row's id, and a new sign-in gets a new id or a new version: a refresh finishing after a
 *   reconnect or a disconnect cannot overwrite or resurrect anything.
 */
export class ConnectionTokenManager<Token, TokenSet> {
  readonly #context: ConnectionsContext;
  readonly #policy: ConnectionTokenPolicy<Token, TokenSet>;
  readonly #inFlight = new Map<string, Promise<Token>>();
  readonly #accessTokens = new LruMap<string, { ciphertext: string; accessToken: string }>(ACCESS_TOKEN_CACHE_SIZE);

  constructor(context: ConnectionsContext, policy: ConnectionTokenPolicy<Token, TokenSet>) {
    this.#context = context;
    this.#policy = policy;
  }

  /** The user's connection of this provider, or null. */
  async findConnection(userId: string): Promise<ConnectionRow | null> {
    const [row] = await selectConnection(this.#context.db).execute({ userId, provider: this.#policy.provider });
    return row ?? null;
  }

  /**
   * A live access token. `rejectedAccessToken`: the upstream refused this token, so refresh unless the stored one
   * is already another (a concurrent request refreshed it).
   */
  async getAccessToken(userId: string, options: { rejectedAccessToken?: string | undefined } = {}): Promise<Token> {
    // Possibly from the request cache; a refresh reads the row afresh (`#refreshDurably`).
    const row = await findTokenRow(this.#context, userId, this.#policy.provider);
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
    const giveUpAt = Date.now() + MAX_LEASE_WAIT_MS;
    for (;;) {
      // Reload before refreshing: another process may have refreshed (or failed) since we last looked.
      const [row] = await selectConnectionById(this.#context.db).execute({
        id: connectionId,
        provider: this.#policy.provider,
      });
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
      const lease = this.#leaseState(row, now);
      if (lease.kind !== 'held') {
        const owner = await this.#acquireLease(row, lease);
        if (owner != null) {
          const afterInterruptedRefresh = lease.kind === 'abandoned' || row.refreshInterruptedAt != null;
          return this.#refreshWithLease(row, { owner, accessToken, rejectedAccessToken, afterInterruptedRefresh });
        }
      }
      if (Date.now() > giveUpAt) throw this.#policy.leaseTimeoutError();
      await sleep(LEASE_POLL_MS);
    }
  }

  /**
   * Whether the row's lease is free, held by a live owner (or one we cannot see), or abandoned: its owner stopped
   * renewing it (the lease lapsed) or is known to be dead, in the middle of a refresh whose outcome is unknown.
   */
  #leaseState(row: ConnectionRow, now: number): LeaseState {
    const until = row.refreshLeaseUntil?.getTime();
    if (until == null) return { kind: 'free' };
    // A lease without an owner was written by an earlier version, which had no heartbeat: it only lapses.
    if (row.refreshLeaseOwner == null) return until <= now ? { kind: 'free' } : { kind: 'held' };
    if (until <= now) return { kind: 'abandoned', ownerText: row.refreshLeaseOwner };
    const owner = parseLeaseOwner(row.refreshLeaseOwner);
    return owner != null && isLeaseOwnerGone(owner)
      ? { kind: 'abandoned', ownerText: row.refreshLeaseOwner }
      : { kind: 'held' };
  }

  /**
   * Compare-and-swap: only the process that sees this exact version, with no live lease (or the abandoned lease it
   * saw, still under the same dead owner), gets to refresh. Returns the lease's owner text, null when another won.
   */
  async #acquireLease(row: ConnectionRow, lease: Exclude<LeaseState, { kind: 'held' }>): Promise<string | null> {
    const now = this.#context.now();
    // One text per acquisition, so renewing or releasing never touches a later lease of this same process.
    const owner = serializeLeaseOwner(thisProcessAsLeaseOwner(), randomUUID());
    const isFree = or(isNull(connections.refreshLeaseUntil), lte(connections.refreshLeaseUntil, new Date(now)));
    const condition: SQL | undefined =
      lease.kind === 'abandoned' ? or(isFree, eq(connections.refreshLeaseOwner, lease.ownerText)) : isFree;
    // One conditional update: of processes (or replicas) racing for the lease, the one whose update changed the row
    // won; the database decides, whatever interleaves between our awaits.
    const changes = changedRows(
      await this.#context.db
        .update(connections)
        .set({
          refreshLeaseUntil: new Date(now + LEASE_TTL_MS),
          refreshLeaseOwner: owner,
          ...(lease.kind === 'abandoned' ? { refreshInterruptedAt: row.refreshInterruptedAt ?? new Date(now) } : {}),
        })
        .where(and(eq(connections.id, row.id), eq(connections.version, row.version), condition)),
    );
    return changes === 1 ? owner : null;
  }

  /** Pushes the lease forward while this process's refresh is in flight; only the lease this refresh took. */
  async #renewLease(connectionId: string, owner: string): Promise<void> {
    try {
      await this.#context.db
        .update(connections)
        .set({ refreshLeaseUntil: new Date(this.#context.now() + LEASE_TTL_MS) })
        .where(and(eq(connections.id, connectionId), eq(connections.refreshLeaseOwner, owner)));
    } catch {
      // The database is busy or closing: the next beat tries again, and the TTL covers a few missed ones.
    }
  }

  async #refreshWithLease(
    row: ConnectionRow,
    lease: {
      owner: string;
      accessToken: string;
      rejectedAccessToken: string | undefined;
      afterInterruptedRefresh: boolean;
    },
  ): Promise<Token> {
    // A timer cannot await; #renewLease catches its own failures. A beat still running when the refresh ends is
    // harmless: it only writes while this refresh's owner text is on the row, which every outcome below clears.
    const heartbeat = setInterval(() => void this.#renewLease(row.id, lease.owner), LEASE_HEARTBEAT_MS);
    // A refresh in flight must not keep a process alive that is otherwise done.
    heartbeat.unref();
    try {
      return await this.#refreshHoldingLease(row, lease);
    } finally {
      clearInterval(heartbeat);
      // Every outcome below frees the lease; this covers a throw none of them expected (a failed write, say).
      try {
        await this.#releaseLease(row.id, lease.owner);
      } catch {
        // The database failed: the lease then lapses after its TTL, and the error that got us here is the one to see.
      }
    }
  }

  async #refreshHoldingLease(
    row: ConnectionRow,
    lease: { accessToken: string; rejectedAccessToken: string | undefined; afterInterruptedRefresh: boolean },
  ): Promise<Token> {
    const { accessToken, rejectedAccessToken } = lease;
    // The row as this refresh last wrote it: storing a rotated refresh token on its own bumps the version.
    let current = row;
    let tokens: TokenSet;
    try {
      tokens = await this.#policy.refresh({
        row,
        accessToken,
        rejectedAccessToken,
        decrypt: (column) => this.#decrypt(row, column),
        storeRotatedRefreshToken: async (refreshToken) => {
          current = await this.#storeRotatedRefreshToken(current, refreshToken);
        },
      });
    } catch (error) {
      // Our own refusal before the upstream was asked (no OAuth client saved, say): nothing to back off from.
      if (error instanceof GatewayError) throw error;
      const permanent = this.#policy.permanentFailure(error, {
        afterInterruptedRefresh: lease.afterInterruptedRefresh,
      });
      if (permanent != null) {
        this.#context.observeRefresh?.(this.#policy.provider, 'reconnect_required');
        throw await this.#requireReconnect(current, permanent, error);
      }
      this.#context.observeRefresh?.(this.#policy.provider, 'transient_failure');
      const retryInMs = await this.#recordTransientFailure(current);
      return this.#useStillUsableOrThrow(current, accessToken, rejectedAccessToken, retryInMs, error);
    }
    this.#context.observeRefresh?.(this.#policy.provider, 'refreshed');
    return this.#persistRefreshedTokens(current, tokens);
  }

  /**
   * Writes only the refresh token, bumping the version and keeping the lease (the refresh is still under way).
   * Compare-and-swap on the version: if a new sign-in replaced the row meanwhile, its tokens win and this one,
   * of the old sign-in, is dropped.
   */
  async #storeRotatedRefreshToken(row: ConnectionRow, refreshToken: string): Promise<ConnectionRow> {
    const [updated] = await this.#context.db
      .update(connections)
      .set({
        refreshTokenCiphertext: this.#context.vault.encrypt(refreshToken, {
          context: this.#policy.tokenContext(row.id, 'refresh_token'),
        }),
        version: row.version + 1,
        updatedAt: new Date(this.#context.now()),
      })
      .where(and(eq(connections.id, row.id), eq(connections.version, row.version)))
      .returning();
    return updated ?? row;
  }

  async #persistRefreshedTokens(row: ConnectionRow, tokens: TokenSet): Promise<Token> {
    const now = this.#context.now();
    const [updated] = await this.#context.db
      .update(connections)
      .set({
        ...this.#policy.storedTokens(row, tokens, now),
        version: row.version + 1,
        refreshLeaseUntil: null,
        refreshLeaseOwner: null,
        refreshInterruptedAt: null,
        nextRefreshAttemptAt: null,
        refreshFailureCount: 0,
        lastRefreshAt: new Date(now),
        updatedAt: new Date(now),
      })
      .where(and(eq(connections.id, row.id), eq(connections.state, 'connected')))
      .returning();
    // Disconnected (or reconnected under a new id) while the upstream answered: these tokens belong to nobody now.
    if (updated == null) throw this.#policy.disconnectedError();
    return this.#policy.toToken(updated, this.#policy.accessTokenOf(tokens));
  }

  async #requireReconnect(
    row: ConnectionRow,
    failure: { reason: string; status: number | null },
    cause: unknown,
  ): Promise<GatewayError> {
    const marked = changedRows(
      await this.#context.db
        .update(connections)
        .set({
          state: 'reconnect_required',
          stateReason: failure.reason,
          refreshLeaseUntil: null,
          refreshLeaseOwner: null,
          refreshInterruptedAt: null,
          version: row.version + 1,
          updatedAt: new Date(this.#context.now()),
        })
        .where(eq(connections.id, row.id)),
    );
    // Gone meanwhile: the user disconnected (which revoked the grant, hence the refusal) or reconnected.
    if (marked === 0) return this.#policy.disconnectedError();
    await recordAuditEvent(this.#context, {
      action: 'connection.reconnect_required',
      userId: row.userId,
      detail: { provider: this.#policy.provider, reason: failure.reason, status: failure.status },
    });
    return this.#policy.reconnectRequiredError(failure.reason, cause);
  }

  /** Counts the failure, frees the lease and stores the policy's backoff on the row, for every process. */
  async #recordTransientFailure(row: ConnectionRow): Promise<number> {
    const failures = row.refreshFailureCount + 1;
    const backoffMs = this.#policy.backoffMs(failures);
    const now = this.#context.now();
    await this.#context.db
      .update(connections)
      .set({
        refreshFailureCount: failures,
        nextRefreshAttemptAt: backoffMs == null ? null : new Date(now + backoffMs),
        refreshLeaseUntil: null,
        refreshLeaseOwner: null,
        updatedAt: new Date(now),
      })
      .where(eq(connections.id, row.id));
    return backoffMs ?? 0;
  }

  /** Frees the lease if it is still the one this refresh took (a write above may have freed it already). */
  async #releaseLease(connectionId: string, owner: string): Promise<void> {
    await this.#context.db
      .update(connections)
      .set({ refreshLeaseUntil: null, refreshLeaseOwner: null })
      .where(and(eq(connections.id, connectionId), eq(connections.refreshLeaseOwner, owner)));
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

  #needsRefresh(row: TokenRow, accessToken: string, rejectedAccessToken: string | undefined): boolean {
    if (rejectedAccessToken != null && accessToken === rejectedAccessToken) return true;
    return this.#policy.isDue(row, this.#context.now());
  }

  #assertUsable(row: TokenRow): void {
    if (row.state === 'reconnect_required') throw this.#policy.reconnectRequiredError(row.stateReason);
  }

  /**
   * Read on every request: kept in clear per ciphertext, so a refreshed token (a new ciphertext) is decrypted
   * afresh and the old one is never handed out again.
   */
  #decryptAccessToken(row: TokenRow): string {
    // By connection, holding the ciphertext it came from: a key made of the ciphertext (kilobytes) was hashed anew
    // on every request (issue 22 profile); comparing two strings is cheaper, and as exact.
    const cached = this.#accessTokens.get(row.id);
    if (cached != null && cached.ciphertext === row.accessTokenCiphertext) return cached.accessToken;
    const accessToken = this.#decrypt(row, 'access_token');
    this.#accessTokens.set(row.id, { ciphertext: row.accessTokenCiphertext, accessToken });
    return accessToken;
  }

  #decrypt(row: TokenRow, column: ConnectionTokenColumn): string {
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
