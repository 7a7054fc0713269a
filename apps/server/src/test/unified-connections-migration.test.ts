import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_FAKE_GOOGLE_CLIENT,
  type FakeGeminiApi,
  type FakeGoogleOAuth,
  startFakeGeminiApi,
  startFakeGoogleOAuth,
} from '@pag/testkit';
import { KeyringSource, Vault } from '@pag/vault';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { type GatewayDatabase, openDatabase } from '../db/open-database.ts';
import * as schema from '../db/schema.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { ChatgptTokenManager } from '../domain/connections/chatgpt-token-manager.ts';
import { createConnectionsContext } from '../domain/connections/connections-context.ts';
import { hashToken } from '../domain/security/secret-tokens.ts';
import { listEncryptedValues } from '../domain/vault/encrypted-columns.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';
import { sessionCookieOf, TEST_PASSWORD } from './build-test-app.ts';
import { isPostgresRun } from './open-test-database.ts';

// Issue 15 item 4: migration 0007 moves Google's connections and sign-in flows into the shared `connections` and
// `sign_in_flows` tables. A database written by the previous schema (migrations 0000–0006, rows as the code of then
// wrote them, tokens sealed by the vault under that code's contexts) must come out with every row, every secret
// decryptable, the Google account still answering Gemini (and refreshing), and the ChatGPT account untouched.

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../db/migrations', import.meta.url));
/** The last migration of the schema before the unified tables. */
const PREVIOUS_SCHEMA_LAST_MIGRATION = 6;

let google: FakeGoogleOAuth;
let gemini: FakeGeminiApi;
let dataDir: string;
beforeAll(async () => {
  google = await startFakeGoogleOAuth();
  gemini = await startFakeGeminiApi({
    verifyAccessToken: (token) => {
      const info = google.verifyAccessToken(token);
      return info == null ? false : { email: info.email, scopes: info.scopes };
    },
  });
});
afterAll(async () => {
  await Promise.all([google?.close(), gemini?.close()]);
});
afterEach(() => {
  if (dataDir != null) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Applies only the committed migrations up to the previous schema, as a gateway of that version did. `db` for the
 * domain functions, `client` for the rows written as that version's SQL wrote them.
 */
function openPreviousSchema(file: string, scratchDir: string): { db: GatewayDatabase; client: Database.Database } {
  const folder = join(scratchDir, 'previous-migrations');
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((entry) => entry.idx <= PREVIOUS_SCHEMA_LAST_MIGRATION);
  writeFileSync(journalFile, JSON.stringify(journal));
  const client = new Database(file);
  client.pragma('foreign_keys = ON');
  const db = drizzle({ client, schema });
  migrate(db, { migrationsFolder: folder });
  // Typed as the gateway's database, as openDatabase types it (open-database.ts).
  return {
    db: Object.assign(db, {
      $dialect: 'sqlite' as const,
      $close: async () => client.close(),
    }) as unknown as GatewayDatabase,
    client,
  };
}

// Migration 0007 of a SQLite file the previous version wrote: PostgreSQL support came later, with the unified tables
// from its first migration (db/migrations-postgres), so no PostgreSQL database ever had the previous schema.
describe.skipIf(isPostgresRun())('unified connections migration', () => {
  it('issue 15: should keep every Google and ChatGPT row and secret through migration 0007, and Gemini answering', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pag-migration-'));
    const config = loadConfig(
      {
        GATEWAY_DATA_DIR: dataDir,
        GATEWAY_LOG_LEVEL: 'info',
        GATEWAY_PUBLIC_URL: 'http://127.0.0.1:3000',
        GATEWAY_GOOGLE_AUTH_URL: google.authorizationEndpoint,
        GATEWAY_GOOGLE_TOKEN_URL: google.tokenEndpoint,
        GATEWAY_GOOGLE_REVOKE_URL: google.revocationEndpoint,
        GATEWAY_GEMINI_API_URL: gemini.url,
      },
      dataDir,
    );

    // 1. A database of the previous schema, with the rows its code wrote.
    const { db: previous, client: previousClient } = openPreviousSchema(config.databaseFile, dataDir);
    const oldVault = new Vault(new KeyringSource({ envKey: config.encryptionKey, keyFilePath: config.keyFilePath }));
    const email = 'owner@example.com';
    const user = await createUser({ db: previous, now: Date.now }, { email, password: TEST_PASSWORD, isAdmin: true });
    const now = Date.now();
    const insert = (text: string, ...values: unknown[]) => previousClient.prepare(text).run(...values);
    /** Each secret in clear, by where the new schema keeps it: `table.column.id`. */
    const expected: Record<string, string> = {};
    const seal = (plaintext: string, context: string, where: string) => {
      expected[where] = plaintext;
      return oldVault.encrypt(plaintext, { context });
    };

    insert(
      'insert into google_oauth_clients values (?, ?, ?, ?, ?, ?)',
      user.id,
      DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
      seal(
        DEFAULT_FAKE_GOOGLE_CLIENT.clientSecret,
        `google_oauth_clients:${user.id}:client_secret`,
        `google_oauth_clients.client_secret_ciphertext.${user.id}`,
      ),
      'cret',
      now,
      now,
    );
    const minted = await google.mintTokens({ accessTokenTtlSeconds: 3599 });
    const googleId = randomUUID();
    insert(
      `insert into google_connections (id, user_id, subject, email, scopes, access_token_ciphertext,
       refresh_token_ciphertext, access_token_expires_at, state, state_reason, connected_at, last_refresh_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'connected', null, ?, null, ?)`,
      googleId,
      user.id,
      '100000000000000000042',
      'someone@gmail.example',
      minted.scopes.join(' '),
      seal(
        minted.accessToken,
        `google_connections:${googleId}:access_token`,
        `connections.access_token_ciphertext.${googleId}`,
      ),
      seal(
        minted.refreshToken ?? '',
        `google_connections:${googleId}:refresh_token`,
        `connections.refresh_token_ciphertext.${googleId}`,
      ),
      now + 3599_000,
      now,
      now,
    );
    const googleFlowId = randomUUID();
    insert(
      'insert into google_sign_in_flows values (?, ?, ?, ?, ?, ?, ?)',
      googleFlowId,
      user.id,
      hashToken('google-state-of-the-previous-schema'),
      seal(
        'google-verifier',
        `google_sign_in_flows:${googleFlowId}:code_verifier`,
        `sign_in_flows.code_verifier_ciphertext.${googleFlowId}`,
      ),
      'http://127.0.0.1:3000/api/connections/google/callback',
      now,
      now + 600_000,
    );
    const chatgptId = randomUUID();
    insert(
      `insert into connections (id, user_id, provider, method, account_id, email, plan_type, id_token_ciphertext,
       access_token_ciphertext, refresh_token_ciphertext, access_token_expires_at, state, version, connected_at,
       updated_at)
     values (?, ?, 'chatgpt', 'device', 'acct-previous-0001', 'someone@chatgpt.example', 'plus', ?, ?, ?, ?,
       'connected', 3, ?, ?)`,
      chatgptId,
      user.id,
      seal('chatgpt-id-token', `connections:${chatgptId}:id_token`, `connections.id_token_ciphertext.${chatgptId}`),
      seal(
        'chatgpt-access-token',
        `connections:${chatgptId}:access_token`,
        `connections.access_token_ciphertext.${chatgptId}`,
      ),
      seal(
        'chatgpt-refresh-token',
        `connections:${chatgptId}:refresh_token`,
        `connections.refresh_token_ciphertext.${chatgptId}`,
      ),
      now + 3600_000,
      now,
      now,
    );
    const deviceFlowId = randomUUID();
    insert(
      `insert into sign_in_flows (id, user_id, provider, method, status, device_auth_id_ciphertext, user_code,
       verification_url, poll_interval_seconds, created_at, expires_at)
     values (?, ?, 'chatgpt', 'device', 'pending', ?, 'ABCD-EFGH', 'https://auth.openai.com/codex/device', 5, ?, ?)`,
      deviceFlowId,
      user.id,
      seal(
        'device-auth-id',
        `sign_in_flows:${deviceFlowId}:device_auth_id`,
        `sign_in_flows.device_auth_id_ciphertext.${deviceFlowId}`,
      ),
      now,
      now + 900_000,
    );
    previousClient.close();

    // 2. The new code opens it: migration 0007 runs, and the startup check finds every key.
    const db = openDatabase(config.databaseFile);
    const vault = await openGatewayVault({ db, envKey: config.encryptionKey, keyFilePath: config.keyFilePath });
    const tables = (await db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table'`))
      .map((row) => row.name)
      .filter((name) => name.includes('connections') || name.includes('sign_in_flows') || name.includes('google'));
    expect(tables.sort()).toEqual(['connections', 'google_oauth_clients', 'sign_in_flows']);
    expect(
      await db.all(
        sql`select id, provider, method, account_id, email, scopes, state from connections order by provider`,
      ),
    ).toEqual([
      {
        id: chatgptId,
        provider: 'chatgpt',
        method: 'device',
        account_id: 'acct-previous-0001',
        email: 'someone@chatgpt.example',
        scopes: null,
        state: 'connected',
      },
      {
        id: googleId,
        provider: 'google',
        method: 'browser',
        account_id: '100000000000000000042',
        email: 'someone@gmail.example',
        scopes: minted.scopes.join(' '),
        state: 'connected',
      },
    ]);
    expect(await db.all(sql`select id, provider, method, status from sign_in_flows order by provider`)).toEqual([
      { id: deviceFlowId, provider: 'chatgpt', method: 'device', status: 'pending' },
      { id: googleFlowId, provider: 'google', method: 'browser', status: 'pending' },
    ]);
    // Every secret decrypts under the context the new code names for it, and is what was sealed.
    const decrypted = Object.fromEntries(
      (await listEncryptedValues(db)).map((value) => [
        `${value.table}.${value.column}.${value.id}`,
        vault.decrypt(value.ciphertext, { context: value.context }),
      ]),
    );
    expect(decrypted).toEqual(expected);

    // 3. The accounts still work through the app.
    let offset = 0;
    const clock = () => Date.now() + offset;
    const app = await buildApp({ config, db, vault, now: clock, logStream: { write: () => {} } });
    try {
      await app.ready();
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: TEST_PASSWORD },
      });
      expect(login.statusCode, login.body).toBe(200);
      const headers = { cookie: sessionCookieOf(login), 'x-csrf-token': login.json().csrfToken as string };
      const askGemini = () =>
        app.inject({
          method: 'POST',
          url: '/api/ai/chat',
          headers,
          payload: { content: 'Hello Gemini', model: 'gemini/gemini-3.5-flash' },
        });
      const bearers = () =>
        gemini.requests.filter((request) => request.method === 'POST').map((request) => request.headers.authorization);

      const listed = await app.inject({ method: 'GET', url: '/api/connections', headers });
      expect(listed.json().connections).toMatchObject([
        { id: chatgptId, provider: 'chatgpt', method: 'device', accountIdMasked: '••••0001', planType: 'plus' },
        { id: googleId, provider: 'google', method: 'browser', accountIdMasked: '••••0042', state: 'connected' },
      ]);
      // The moved access token answers as it is…
      const first = await askGemini();
      expect(first.statusCode, first.body).toBe(200);
      expect(bearers().at(-1)).toBe(`Bearer ${minted.accessToken}`);
      // …and near its expiry the moved refresh token and client secret get a new one from Google.
      offset = 58 * 60_000;
      const second = await askGemini();
      expect(second.statusCode, second.body).toBe(200);
      const refreshed = google.issuedTokens.at(-1)?.accessToken;
      expect(refreshed).not.toBe(minted.accessToken);
      expect(bearers().at(-1)).toBe(`Bearer ${refreshed}`);

      // The ChatGPT account reads as before: its access token and account id, no refresh needed.
      offset = 0;
      const chatgpt = new ChatgptTokenManager(createConnectionsContext({ config, db, vault, now: clock }));
      await expect(chatgpt.getAccessToken(user.id)).resolves.toEqual({
        accessToken: 'chatgpt-access-token',
        accountId: 'acct-previous-0001',
        connectionId: chatgptId,
      });
    } finally {
      await app.close();
      await db.$close();
    }
  });
});
