import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Vault } from '@pag/vault';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import { type GatewayDatabase, openDatabase, openPostgresDatabase } from '../db/open-database.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { SetupToken } from '../domain/accounts/setup-token.ts';
import { type ConnectionsContext, createConnectionsContext } from '../domain/connections/connections-context.ts';
import { newOAuthKeys, storeOAuthKeysIfAbsent } from '../domain/oauth-server/oauth-keys.ts';
import type { ResolveHost } from '../domain/outbound/outbound-policy.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';
import { copyMigratedSqliteTemplate } from './migrated-sqlite-template.ts';
import { createTestPostgresDatabase, isPostgresRun } from './open-test-database.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * The OAuth server's RSA signing key for the test apps of a worker. An app generates one on its first start
 * (oauth-keys.ts), tens of milliseconds, more than half of building a test app; the suites build hundreds. Each test
 * app still gets keys of its own (cookie key, key id), stored in its database before it starts.
 */
let testOAuthRsaKey: KeyObject | undefined;

export type TestApp = {
  app: FastifyInstance;
  db: GatewayDatabase;
  config: Config;
  dataDir: string;
  setupToken: SetupToken;
  vault: Vault;
  /** The same context the app's connection routes use (vault, clock, upstream settings). */
  connections: ConnectionsContext;
  /** Every log line the app wrote, raw. */
  logs: string[];
  /** Moves the app's clock forward. */
  advanceTime: (milliseconds: number) => void;
  close: () => Promise<void>;
};

/**
 * A real app on a real SQLite file in a fresh temp dir, with a controllable clock and captured logs. Requests go
 * through `app.inject()` (no port).
 */
export async function buildTestApp(
  environment: Record<string, string> = {},
  options: {
    upstreamFetch?: typeof fetch;
    upstreamResolve?: ResolveHost;
    /** Settings finer than the environment allows (upstream timeouts in milliseconds, for tests that wait on them). */
    config?: Partial<Config>;
    /** False turns the request cache off (issue 22), to measure what it saves. */
    requestCache?: boolean;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pag-test-'));
  let config: Config = {
    ...loadConfig(
      {
        GATEWAY_DATA_DIR: dataDir,
        GATEWAY_LOG_LEVEL: 'info',
        // The testkit's fakes listen on 127.0.0.1, which the outbound policy refuses by default; tests of the
        // policy itself set this to false (docs/security.md).
        GATEWAY_ALLOW_PRIVATE_UPSTREAMS: 'true',
        ...environment,
      },
      dataDir,
    ),
    ...options.config,
  };
  // On a PostgreSQL run (GATEWAY_TEST_POSTGRES_URL), each app gets a new database of its own, unless the test
  // names one (a restart on the same database).
  let dropDatabase = async () => {};
  if (isPostgresRun() && environment.GATEWAY_DATABASE_URL === undefined && options.config?.database === undefined) {
    const created = await createTestPostgresDatabase();
    config = { ...config, database: { kind: 'postgres', url: created.url, poolSize: 4 } };
    dropDatabase = created.drop;
  }
  if (config.database.kind === 'sqlite') await copyMigratedSqliteTemplate(config.database.file);
  const db =
    config.database.kind === 'postgres'
      ? await openPostgresDatabase(config.database.url, { poolSize: config.database.poolSize })
      : openDatabase(config.database.file);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  let offset = 0;
  const setupToken = new SetupToken();
  const vault = await openGatewayVault({ db, envKey: config.encryptionKey, keyFilePath: config.keyFilePath });
  const now = () => Date.now() + offset;
  testOAuthRsaKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  await storeOAuthKeysIfAbsent({ db, now, vault }, newOAuthKeys(testOAuthRsaKey));
  const app = await buildApp({
    config,
    db,
    setupToken,
    logStream,
    now,
    vault,
    upstreamFetch: options.upstreamFetch,
    upstreamResolve: options.upstreamResolve,
    ...(options.requestCache == null ? {} : { requestCache: options.requestCache }),
  });
  await app.ready();
  return {
    app,
    db,
    config,
    dataDir,
    setupToken,
    vault,
    connections: createConnectionsContext({ config, db, vault, now }),
    logs,
    advanceTime: (milliseconds) => {
      offset += milliseconds;
    },
    close: async () => {
      await app.close();
      await db.$close();
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type SignedInClient = { cookie: string; csrfToken: string; userId: string };

/** Creates a user directly in the domain and signs in over HTTP, returning the cookie and CSRF token. */
export async function signInNewUser(
  test: TestApp,
  email = 'owner@example.com',
  remoteAddress?: string,
): Promise<SignedInClient> {
  const user = await createUser({ db: test.db, now: Date.now }, { email, password: TEST_PASSWORD, isAdmin: true });
  return signIn(test, { email, userId: user.id, remoteAddress });
}

export async function signIn(
  test: TestApp,
  options: { email: string; userId: string; remoteAddress?: string | undefined },
): Promise<SignedInClient> {
  const response = await test.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: options.email, password: TEST_PASSWORD },
    ...(options.remoteAddress == null ? {} : { remoteAddress: options.remoteAddress }),
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  return { cookie: sessionCookieOf(response), csrfToken: response.json().csrfToken, userId: options.userId };
}

/** `name=value` of the session cookie a response set, for the next request's Cookie header. */
export function sessionCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((candidate) => candidate.name.endsWith('pag_session'));
  if (cookie == null) throw new Error('no session cookie was set');
  return `${cookie.name}=${cookie.value}`;
}
