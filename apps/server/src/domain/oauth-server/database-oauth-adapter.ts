import type { Vault } from '@pag/vault';
import { and, eq, sql } from 'drizzle-orm';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { preparedQuery } from '../../db/prepared-query.ts';
import { oauthRecords } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { cachedRead } from '../read-cache/read-cache.ts';
import { hashToken } from '../security/secret-tokens.ts';

/** What the adapter needs: the database, the clock and the vault that encrypts every payload. */
export type OAuthStoreContext = DomainContext & { vault: Vault };

type RecordRow = { id: string; payloadCiphertext: string; expiresAt: Date | null; consumedAt: Date | null };

/** The vault context of a record's payload: bound to the row, so a ciphertext moved to another row fails. */
export function oauthPayloadContext(rowId: string): string {
  return `oauth_records:${rowId}:payload`;
}

/** The row id of a model instance: the model name and the SHA-256 of its id (bearer values are never stored). */
export function oauthRecordId(kind: string, id: string): string {
  return `${kind}:${hashToken(id)}`;
}

/** Decrypts a stored payload; the row id is part of its vault context, so a payload moved to another row fails. */
export function readOAuthPayload(context: OAuthStoreContext, rowId: string, ciphertext: string): AdapterPayload {
  return JSON.parse(context.vault.decrypt(ciphertext, { context: oauthPayloadContext(rowId) })) as AdapterPayload;
}

const recordColumns = {
  id: oauthRecords.id,
  payloadCiphertext: oauthRecords.payloadCiphertext,
  expiresAt: oauthRecords.expiresAt,
  consumedAt: oauthRecords.consumedAt,
};

// Token lookups run on every MCP request and every app's AI request: built and prepared once per database.
const selectRecord = preparedQuery('select_oauth_record_by_id', (db) =>
  db
    .select(recordColumns)
    .from(oauthRecords)
    .where(eq(oauthRecords.id, sql.placeholder('id'))),
);
const selectRecordByUid = preparedQuery('select_oauth_record_by_uid', (db) =>
  db
    .select(recordColumns)
    .from(oauthRecords)
    .where(and(eq(oauthRecords.kind, sql.placeholder('kind')), eq(oauthRecords.uidHash, sql.placeholder('uidHash'))))
    .limit(1),
);

// Through the request cache (docs/request-cache.md), which a connected app's AI requests read their token, its session
// and its client through; the OAuth server's own endpoints run outside any scope and always read the database. The
// row is kept, not the payload: its expiry is checked and it is decrypted on every read. Unknown ids are not kept.
const readRecord = cachedRead(
  'oauth-record',
  async (context: DomainContext, id: string): Promise<RecordRow | undefined> =>
    (await selectRecord(context.db).execute({ id }))[0],
  { shouldKeep: (row) => row != null },
);
const readRecordByUid = cachedRead(
  'oauth-record-by-uid',
  async (context: DomainContext, kind: string, uidHash: string): Promise<RecordRow | undefined> =>
    (await selectRecordByUid(context.db).execute({ kind, uidHash }))[0],
  { shouldKeep: (row) => row != null },
);

/**
 * oidc-provider's storage interface over the `oauth_records` table (one adapter instance per model name), on SQLite
 * or PostgreSQL alike.
 *
 * Written here rather than taken from a package because the published adapters target Redis/Mongo/Postgres and
 * none encrypts payloads or hashes bearer ids; the interface is seven small methods (see oidc-provider's
 * memory adapter, which this mirrors: grant membership through the `grant_id` column, sessions found by uid).
 * Each method is one statement, so concurrent requests (and, on PostgreSQL, other replicas) never see half a write.
 * Expired rows are invisible at once (checked on read) and deleted by the cleanup scheduler.
 */
export class DatabaseOAuthAdapter implements Adapter {
  readonly #kind: string;
  readonly #context: OAuthStoreContext;

  constructor(kind: string, context: OAuthStoreContext) {
    this.#kind = kind;
    this.#context = context;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const row = this.#toRow(id, payload, expiresIn);
    // One statement: a re-save (a grant extended, a session updated) replaces the payload and its lookup columns
    // but keeps when the record was first created and whether it was consumed.
    await this.#context.db
      .insert(oauthRecords)
      .values(row)
      .onConflictDoUpdate({
        target: oauthRecords.id,
        set: {
          payloadCiphertext: sql`excluded.payload_ciphertext`,
          grantId: sql`excluded.grant_id`,
          userId: sql`excluded.user_id`,
          clientId: sql`excluded.client_id`,
          uidHash: sql`excluded.uid_hash`,
          expiresAt: sql`excluded.expires_at`,
        },
      });
  }

  /**
   * Stores the record unless one with this id exists, and returns the payload that is stored afterwards: this one, or
   * the one another request or replica stored first. Not part of oidc-provider's interface: for records that must
   * be created exactly once (the server's own keys, oauth-keys.ts).
   */
  async insertIfAbsent(id: string, payload: AdapterPayload, expiresIn?: number): Promise<AdapterPayload | undefined> {
    await this.#context.db
      .insert(oauthRecords)
      .values(this.#toRow(id, payload, expiresIn))
      .onConflictDoNothing();
    return this.find(id);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#toPayload(await readRecord(this.#context, oauthRecordId(this.#kind, id)));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#toPayload(await readRecordByUid(this.#context, this.#kind, hashToken(uid)));
  }

  /** Device flow is disabled, so no model carries a user code; nothing is ever found by one. */
  async findByUserCode(_userCode: string): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    await this.#context.db
      .update(oauthRecords)
      .set({ consumedAt: new Date(this.#context.now()) })
      .where(eq(oauthRecords.id, oauthRecordId(this.#kind, id)));
  }

  async destroy(id: string): Promise<void> {
    await this.#context.db.delete(oauthRecords).where(eq(oauthRecords.id, oauthRecordId(this.#kind, id)));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#context.db
      .delete(oauthRecords)
      .where(and(eq(oauthRecords.kind, this.#kind), eq(oauthRecords.grantId, grantId)));
  }

  #toRow(id: string, payload: AdapterPayload, expiresIn: number | undefined): typeof oauthRecords.$inferInsert {
    const now = this.#context.now();
    const rowId = oauthRecordId(this.#kind, id);
    return {
      id: rowId,
      kind: this.#kind,
      payloadCiphertext: this.#context.vault.encrypt(JSON.stringify(payload), { context: oauthPayloadContext(rowId) }),
      // A grant is its own family: revoking it by id removes it with its codes and tokens in one statement.
      grantId: this.#kind === 'Grant' ? id : (payload.grantId ?? null),
      userId: payload.accountId ?? payload.session?.accountId ?? null,
      clientId: this.#kind === 'Client' ? (payload.client_id ?? null) : (payload.clientId ?? null),
      uidHash: payload.uid == null ? null : hashToken(payload.uid),
      createdAt: new Date(now),
      expiresAt: typeof expiresIn === 'number' ? new Date(now + expiresIn * 1000) : null,
      consumedAt: null,
    };
  }

  #toPayload(row: RecordRow | undefined): AdapterPayload | undefined {
    if (row == null) return undefined;
    if (row.expiresAt != null && row.expiresAt.getTime() <= this.#context.now()) return undefined;
    const payload = readOAuthPayload(this.#context, row.id, row.payloadCiphertext);
    // oidc-provider reads `consumed` (epoch seconds) to detect code and refresh-token reuse.
    if (row.consumedAt != null) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
    return payload;
  }
}
