import type { Vault } from '@pag/vault';
import type Database from 'better-sqlite3';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DomainContext } from '../domain-context.ts';
import { hashToken } from '../security/secret-tokens.ts';

/** What the adapter needs: the database, the clock and the vault that encrypts every payload. */
export type OAuthStoreContext = DomainContext & { vault: Vault };

type RecordRow = { id: string; payload_ciphertext: string; expires_at: number | null; consumed_at: number | null };

/** The vault context of a record's payload: bound to the row, so a ciphertext moved to another row fails. */
export function oauthPayloadContext(rowId: string): string {
  return `oauth_records:${rowId}:payload`;
}

/** The row id of a model instance: the model name and the SHA-256 of its id (bearer values are never stored). */
export function oauthRecordId(kind: string, id: string): string {
  return `${kind}:${hashToken(id)}`;
}

/**
 * oidc-provider's storage interface over the `oauth_records` table (one adapter instance per model name).
 *
 * Written here rather than taken from a package because the published adapters target Redis/Mongo/Postgres and
 * none encrypts payloads or hashes bearer ids; the interface is seven small methods (see oidc-provider's
 * memory adapter, which this mirrors: grant membership through the `grant_id` column, sessions found by uid).
 * Expired rows are invisible at once (checked on read) and deleted by the cleanup scheduler.
 */
/** Decrypts a stored payload; the row id is part of its vault context, so a payload moved to another row fails. */
export function readOAuthPayload(context: OAuthStoreContext, rowId: string, ciphertext: string): AdapterPayload {
  return JSON.parse(context.vault.decrypt(ciphertext, { context: oauthPayloadContext(rowId) })) as AdapterPayload;
}

type Statement = Database.Statement<unknown[]>;

export class SqliteOAuthAdapter implements Adapter {
  readonly #kind: string;
  readonly #context: OAuthStoreContext;
  // oidc-provider keeps one adapter per model for the process, so each statement is compiled once; token lookups
  // run on every MCP request.
  readonly #statements: Record<'upsert' | 'find' | 'findByUid' | 'consume' | 'destroy' | 'revokeByGrantId', Statement>;

  constructor(kind: string, context: OAuthStoreContext) {
    this.#kind = kind;
    this.#context = context;
    const client = context.db.$client;
    this.#statements = {
      upsert: client.prepare(
        `insert into oauth_records (id, kind, payload_ciphertext, grant_id, user_id, client_id, uid_hash, created_at,
           expires_at, consumed_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, null)
         on conflict (id) do update set payload_ciphertext = excluded.payload_ciphertext,
           grant_id = excluded.grant_id, user_id = excluded.user_id, client_id = excluded.client_id,
           uid_hash = excluded.uid_hash, expires_at = excluded.expires_at`,
      ),
      find: client.prepare('select id, payload_ciphertext, expires_at, consumed_at from oauth_records where id = ?'),
      findByUid: client.prepare(
        'select id, payload_ciphertext, expires_at, consumed_at from oauth_records where kind = ? and uid_hash = ?',
      ),
      consume: client.prepare('update oauth_records set consumed_at = ? where id = ?'),
      destroy: client.prepare('delete from oauth_records where id = ?'),
      revokeByGrantId: client.prepare('delete from oauth_records where kind = ? and grant_id = ?'),
    };
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const now = this.#context.now();
    const rowId = oauthRecordId(this.#kind, id);
    const ciphertext = this.#context.vault.encrypt(JSON.stringify(payload), { context: oauthPayloadContext(rowId) });
    const userId = payload.accountId ?? payload.session?.accountId ?? null;
    const clientId = this.#kind === 'Client' ? (payload.client_id ?? null) : (payload.clientId ?? null);
    // A grant is its own family: revoking it by id removes it with its codes and tokens in one statement.
    const grantId = this.#kind === 'Grant' ? id : (payload.grantId ?? null);
    const uid = payload.uid == null ? null : hashToken(payload.uid);
    const expiresAt = typeof expiresIn === 'number' ? now + expiresIn * 1000 : null;
    this.#statements.upsert.run(rowId, this.#kind, ciphertext, grantId, userId, clientId, uid, now, expiresAt);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#toPayload(this.#statements.find.get(oauthRecordId(this.#kind, id)) as RecordRow | undefined);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#toPayload(this.#statements.findByUid.get(this.#kind, hashToken(uid)) as RecordRow | undefined);
  }

  /** Device flow is disabled, so no model carries a user code; nothing is ever found by one. */
  async findByUserCode(_userCode: string): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    this.#statements.consume.run(this.#context.now(), oauthRecordId(this.#kind, id));
  }

  async destroy(id: string): Promise<void> {
    this.#statements.destroy.run(oauthRecordId(this.#kind, id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.#statements.revokeByGrantId.run(this.#kind, grantId);
  }

  #toPayload(row: RecordRow | undefined): AdapterPayload | undefined {
    if (row == null) return undefined;
    if (row.expires_at != null && row.expires_at <= this.#context.now()) return undefined;
    const payload = readOAuthPayload(this.#context, row.id, row.payload_ciphertext);
    // oidc-provider reads `consumed` (epoch seconds) to detect code and refresh-token reuse.
    if (row.consumed_at != null) payload.consumed = Math.floor(row.consumed_at / 1000);
    return payload;
  }
}
