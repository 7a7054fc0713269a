import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type AiStreamEvent, createGatewayClient } from '@pag/client';
import {
  type FakeCodexBackend,
  type FakeOpenAiAuth,
  findFreeLoopbackPort,
  type RecordedRequest,
  startFakeCodexBackend,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { type GatewayDatabase, openPostgresDatabase } from '../db/open-database.ts';
import { connections } from '../db/schema.ts';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { listConnections } from '../domain/connection-list/list-connections.ts';
import { type ConnectionsContext, createConnectionsContext } from '../domain/connections/connections-context.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';
import { TEST_PASSWORD } from './build-test-app.ts';
import { connectMcpWithOAuth } from './connect-mcp-with-oauth.ts';
import { fetchWithSession } from './fetch-with-session.ts';
import { findRefreshRequests } from './find-refresh-requests.ts';
import { createTestPostgresDatabase } from './open-test-database.ts';
import { type RunningProcess, startBin, waitFor } from './run-process.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';

// Issue 21's acceptance criteria, as an operator would run them (docs/postgres.md §4-§6): two real gateway server
// processes on one PostgreSQL database, with the same encryption key, each on its own port, in front of the same
// fake auth.openai.com and Codex backend. A test picks the replica each request goes to, as a round-robin proxy
// would; the MCP test goes through such a proxy. Only this file's processes touch its fresh database.

/** The fake ChatGPT accounts; each test's user has its own, so a test's refreshes and tokens are its own. */
const ACCOUNTS = {
  storm: 'storm@example.com',
  revoke: 'revoke@example.com',
  crash: 'crash@example.com',
  rotated: 'rotated@example.com',
  mcp: 'mcp@example.com',
} as const;

type Replica = { name: 'A' | 'B'; port: number; url: string; process: RunningProcess; dataDir: string };

let fakeAuth: FakeOpenAiAuth;
let fakeCodex: FakeCodexBackend;
let database: { url: string; drop: () => Promise<void> };
let proxy: RoundRobinProxy;
/** The test's own handle on the replicas' database: seeding through the domain, and reading rows back. */
let db: GatewayDatabase;
let context: ConnectionsContext;
let replicaEnvironment: Record<string, string>;
const replicas: Partial<Record<'A' | 'B', Replica>> = {};
const scratchDirs: string[] = [];

function replica(name: 'A' | 'B'): Replica {
  const found = replicas[name];
  if (found == null) throw new Error(`replica ${name} is not running`);
  return found;
}

/**
 * A gateway server process on the shared database, listening once this resolves. `port` keeps a restarted replica
 * where the proxy expects it. Each replica has a data directory of its own: nothing they share may live there.
 */
async function startReplica(name: 'A' | 'B', port?: number): Promise<Replica> {
  const chosenPort = port ?? (await findFreeLoopbackPort());
  const dataDir = mkdtempSync(join(tmpdir(), `pag-replica-${name}-`));
  scratchDirs.push(dataDir);
  const running = startBin({
    bin: 'gateway-server',
    env: { ...replicaEnvironment, GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(chosenPort) },
    cwd: dataDir,
  });
  const url = `http://127.0.0.1:${chosenPort}`;
  await waitFor(async () => {
    if (running.child.exitCode != null) throw new Error(`replica ${name} exited: ${running.output()}`);
    // /readyz also checks the database, which is what a load balancer asks before sending traffic.
    const answer = await fetch(`${url}/readyz`).catch(() => null);
    return answer?.status === 200 ? true : null;
  }, 45_000);
  const started: Replica = { name, port: chosenPort, url, process: running, dataDir };
  replicas[name] = started;
  proxy.setTarget(name, chosenPort);
  return started;
}

async function killHard(target: Replica): Promise<void> {
  target.process.child.kill('SIGKILL');
  await target.process.exited;
}

function isAlive(target: Replica | undefined): boolean {
  return target != null && target.process.child.exitCode == null && target.process.child.signalCode == null;
}

/**
 * What the replicas would see behind a reverse proxy: the client's address in X-Forwarded-For (they trust the
 * loopback hop). Each sign-in of this file comes from an address of its own, so the per-address sign-in limit
 * (5 a minute, shared by the replicas) counts only what a test means it to count.
 */
let nextAddress = 10;
function freshClientAddress(): string {
  nextAddress += 1;
  return `198.51.100.${nextAddress}`;
}

function signInRequest(url: string, body: { email: string; password: string }, clientAddress: string) {
  return fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': clientAddress },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
}

/** Signs in over HTTP, as the settings page does: the session cookie and its CSRF token. */
async function signInOver(url: string, email: string): Promise<{ cookie: string; csrfToken: string }> {
  const answer = await signInRequest(url, { email, password: TEST_PASSWORD }, freshClientAddress());
  if (answer.status !== 200) throw new Error(`sign-in on ${url} answered ${answer.status}: ${await answer.text()}`);
  const cookie = answer.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.split('=')[0]?.endsWith('pag_session'));
  if (cookie == null) throw new Error('the sign-in set no session cookie');
  const { csrfToken } = (await answer.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

/** How often a replica's request cache answered an API key lookup, from its own /metrics (scraped from loopback). */
async function keyCacheHits(target: Replica): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const line = /^gateway_request_cache_reads_total\{kind="api-key-with-user",outcome="hit"\} (\d+)$/m.exec(text);
  return Number(line?.[1] ?? 0);
}

function chat(url: string, apiKey: string, content: string): Promise<Response> {
  return fetch(`${url}/api/ai/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chatgpt/gpt-5.5', content }),
    // Well under the 30 s a caller may wait for another replica's refresh lease: a wait on a dead one fails here.
    signal: AbortSignal.timeout(20_000),
  });
}

async function streamEvents(url: string, apiKey: string, content: string): Promise<AiStreamEvent[]> {
  const events: AiStreamEvent[] = [];
  const client = createGatewayClient({ baseUrl: url, apiKey });
  for await (const event of client.stream(
    { model: 'chatgpt/gpt-5.5', content },
    { signal: AbortSignal.timeout(20_000) },
  )) {
    events.push(event);
  }
  return events;
}

async function connectionRow(connectionId: string) {
  const [row] = await db
    .select({
      version: connections.version,
      leaseOwner: connections.refreshLeaseOwner,
      leaseUntil: connections.refreshLeaseUntil,
      interruptedAt: connections.refreshInterruptedAt,
    })
    .from(connections)
    .where(eq(connections.id, connectionId));
  return row;
}

/**
 * How many lease compare-and-swaps (connection-token-manager.ts) wait on a row lock in the replicas' database:
 * each replica that read the lease as free and now tries to take it. Asked outside the lock holder's transaction,
 * which would see pg_stat_activity as it was when the transaction first looked.
 */
async function leaseAttemptsWaiting(): Promise<number> {
  const [row] = await db.all<{ waiting: number | string }>(
    sql`select count(*) as waiting from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'
           and query like 'update "connections" set "refresh_lease_until"%'`,
  );
  return Number(row?.waiting ?? 0);
}

/** The refresh token a refresh grant sent (ChatGPT refreshes are JSON, docs/codex-protocol.md §10). */
function refreshTokenOf(request: RecordedRequest): string | undefined {
  return (request.json as { refresh_token?: string } | undefined)?.refresh_token;
}

/** The tokens the fake auth.openai.com issued by refreshing this account's sign-in, oldest first. */
function refreshedTokensOf(account: string) {
  return fakeAuth.issuedTokens.filter((issued) => issued.grant === 'refresh_token' && issued.email === account);
}

/** The access tokens the Codex fake saw on model calls since `from` (an index into its exchanges). */
function upstreamTokensSince(from: number): string[] {
  return fakeCodex.exchanges
    .slice(from)
    .map((exchange) => exchange.request?.headers.authorization?.replace(/^Bearer /, '') ?? '(none)');
}

describe('issue 21: two gateway replicas on one PostgreSQL database', () => {
  beforeAll(async () => {
    fakeAuth = await startFakeOpenAiAuth({ accounts: Object.values(ACCOUNTS).map((email) => ({ email })) });
    fakeCodex = await startFakeCodexBackend({
      verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth),
      defaultScenario: 'echo',
    });
    database = await createTestPostgresDatabase();
    proxy = await startRoundRobinProxy();
    replicaEnvironment = {
      GATEWAY_DATABASE_URL: database.url,
      GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The address clients use is the proxy's: it is the MCP resource and the OAuth issuer of both replicas.
      GATEWAY_PUBLIC_URL: proxy.url,
      // The test (and its proxy) is the reverse proxy in front of the replicas.
      GATEWAY_TRUST_PROXY: '127.0.0.1',
      GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
      GATEWAY_CHATGPT_BACKEND_URL: fakeCodex.baseUrl,
      GATEWAY_LOG_LEVEL: 'warn',
    };
    const seedDir = mkdtempSync(join(tmpdir(), 'pag-replicas-seed-'));
    scratchDirs.push(seedDir);
    const config = loadConfig({ ...replicaEnvironment, GATEWAY_DATA_DIR: seedDir }, seedDir);
    db = await openPostgresDatabase(database.url, { poolSize: 4 });
    const vault = await openGatewayVault({ db, envKey: config.encryptionKey, keyFilePath: config.keyFilePath });
    context = createConnectionsContext({ config, db, vault });
    await Promise.all([startReplica('A'), startReplica('B')]);
  }, 90_000);

  afterAll(async () => {
    for (const running of Object.values(replicas)) if (isAlive(running)) await killHard(running);
    await proxy?.close();
    await db?.$close();
    await database?.drop();
    await Promise.all([fakeAuth?.close(), fakeCodex?.close()]);
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  });

  // A test that killed a replica leaves it dead; the next one gets it back (on its port, behind the proxy). The
  // killing tests come last, so a whole run restarts a replica here only between the two of them.
  beforeEach(async () => {
    for (const name of ['A', 'B'] as const) {
      const current = replicas[name];
      if (!isAlive(current)) await startReplica(name, current?.port);
    }
  }, 60_000);

  it('issue 21: a refresh storm of 200 requests spread over both replicas refreshes the token once', async () => {
    const { user, connection, tokens } = await seedChatgptConnection({
      context,
      fake: fakeAuth,
      accessTokenTtlSeconds: 60,
      email: 'storm@gateway.test',
      account: ACCOUNTS.storm,
    });
    const { secret } = await createApiKey(context, { userId: user.id, name: 'storm' });
    // The race the lease exists for, forced rather than hoped for: the test locks the connection row, so each
    // replica reads the lease as free and then waits with its compare-and-swap on the lock. Once both wait, the
    // lock goes; the database must let exactly one of them through.
    const rowLock = new pg.Client({ connectionString: database.url });
    await rowLock.connect();
    try {
      await rowLock.query('begin');
      await rowLock.query('select id from connections where id = $1 for update', [connection.id]);
      // auth.openai.com takes a second to answer, so the loser waits for the winner's refresh meanwhile.
      fakeAuth.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'delay', ms: 1_000 } });
      const refreshesBefore = findRefreshRequests(fakeAuth).length;
      const exchangesBefore = fakeCodex.exchanges.length;

      const targets = Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? replica('A') : replica('B')));
      const settled = Promise.all(
        targets.map(async (target, index) => {
          const answer = await chat(target.url, secret, `storm ${index}`);
          return { status: answer.status, body: (await answer.json()) as { content?: string } };
        }),
      );
      // One lease attempt per replica (each shares one refresh among its own requests), both blocked on the lock.
      await waitFor(async () => ((await leaseAttemptsWaiting()) === 2 ? true : null), 15_000);
      await rowLock.query('commit');
      const answers = await settled;

      expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
      expect(answers.map((answer) => answer.body.content)).toEqual(targets.map((_, index) => `echo: storm ${index}`));
      const refreshes = findRefreshRequests(fakeAuth).slice(refreshesBefore);
      expect(refreshes.map(refreshTokenOf)).toEqual([tokens.refreshToken]);
      // Every one of the 200 model calls carried the refreshed token: no replica went on with the old one.
      const refreshed = refreshedTokensOf(ACCOUNTS.storm).at(-1);
      expect(new Set(upstreamTokensSince(exchangesBefore))).toEqual(new Set([refreshed?.accessToken]));
      expect(refreshed?.accessToken).not.toBe(tokens.accessToken);
      expect((await listConnections(context, user.id))[0]).toMatchObject({ state: 'connected' });
      expect(await connectionRow(connection.id)).toMatchObject({ leaseOwner: null, leaseUntil: null });
    } finally {
      await rowLock.end();
    }
  }, 60_000);

  it('issue 21, issue 22: a key revoked through replica A is refused by replica B on the very next request, warm cache', async () => {
    await seedChatgptConnection({
      context,
      fake: fakeAuth,
      accessTokenTtlSeconds: 3600,
      email: 'revoke@gateway.test',
      account: ACCOUNTS.revoke,
    });
    const session = await signInOver(replica('A').url, 'revoke@gateway.test');
    const created = await fetchWithSession(replica('A').url, session, 'POST', '/api/keys', { name: 'note app' });
    expect(created.status, await created.clone().text()).toBe(201);
    const {
      key: { id },
      secret: key,
    } = (await created.json()) as { key: { id: string }; secret: string };

    const before = await chat(replica('B').url, key, 'before the revocation');
    expect(before.status, await before.clone().text()).toBe(200);
    // Issue 22: B's second request finds the key (with its user) in its request cache, not in the database.
    const hitsBefore = await keyCacheHits(replica('B'));
    const warm = await chat(replica('B').url, key, 'from the cache');
    expect(warm.status, await warm.clone().text()).toBe(200);
    expect(await keyCacheHits(replica('B'))).toBe(hitsBefore + 1);

    const revoked = await fetchWithSession(replica('A').url, session, 'DELETE', `/api/keys/${id}`);
    expect(revoked.status).toBe(204);
    const after = await chat(replica('B').url, key, 'after the revocation');
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it('issue 21: six wrong passwords spread over both replicas lock the account at the sixth', async () => {
    await createUser(context, { email: 'throttle@gateway.test', password: TEST_PASSWORD, isAdmin: false });
    const answers: { status: number; message: string; retryAfter: string | null }[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const target = attempt % 2 === 0 ? replica('A') : replica('B');
      // Each attempt from an address of its own: only the per-account throttle can refuse the sixth.
      const answer = await signInRequest(
        target.url,
        { email: 'throttle@gateway.test', password: `wrong password ${attempt}` },
        freshClientAddress(),
      );
      const body = (await answer.json()) as { error: { message: string } };
      answers.push({
        status: answer.status,
        message: body.error.message,
        retryAfter: answer.headers.get('retry-after'),
      });
    }
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(answers[5]?.message).toMatch(/^Too many failed sign-ins for this account: try again in \d+ s\.$/);
    expect(Number(answers[5]?.retryAfter)).toBeGreaterThan(0);
    // Locked on both replicas, for the right password too.
    const right = await signInRequest(
      replica('A').url,
      { email: 'throttle@gateway.test', password: TEST_PASSWORD },
      freshClientAddress(),
    );
    expect(right.status).toBe(429);
  });

  it('issue 21: six sign-ins from one address spread over both replicas hit the per-address limit at the sixth', async () => {
    const address = freshClientAddress();
    const statuses: number[] = [];
    let sixth = '';
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const target = attempt % 2 === 0 ? replica('A') : replica('B');
      // A different (unknown) account each time: only the per-address route limit can refuse the sixth.
      const answer = await signInRequest(
        target.url,
        { email: `nobody-${attempt}@gateway.test`, password: 'not a password' },
        address,
      );
      statuses.push(answer.status);
      sixth = ((await answer.json()) as { error: { message: string } }).error.message;
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(sixth).toMatch(/^Too many attempts: try again in \d+ s\.$/);
  });

  it('issue 21: an MCP SDK client whose requests alternate between the replicas signs in, lists tools and calls one', async () => {
    await seedChatgptConnection({
      context,
      fake: fakeAuth,
      accessTokenTtlSeconds: 3600,
      email: 'mcp@gateway.test',
      account: ACCOUNTS.mcp,
    });
    // Everything goes through the proxy, which sends each request to the other replica than the one before:
    // the sign-in, the whole OAuth dance and every MCP request.
    const session = await signInOver(proxy.url, 'mcp@gateway.test');
    proxy.served.length = 0;
    const { client, transport } = await connectMcpWithOAuth(new URL(`${proxy.url}/mcp`), session, 'none');
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((tool) => tool.name).sort()).toEqual(['ask', 'list_models', 'usage']);
      const answer = (await client.callTool({
        name: 'ask',
        arguments: { prompt: 'hello from both' },
      })) as CallToolResult;
      expect(answer.isError).toBeFalsy();
      expect(answer.content.map((part) => (part.type === 'text' ? part.text : '')).join('')).toBe(
        'echo: hello from both',
      );
      // Stateless: no session for a later request to depend on.
      expect(transport.sessionId).toBeUndefined();
    } finally {
      await client.close();
    }
    const mcpPosts = proxy.served.filter((entry) => entry.path === '/mcp' && entry.method === 'POST');
    // initialize, notifications/initialized, tools/list, tools/call at least, on both replicas in turn.
    expect(mcpPosts.length).toBeGreaterThanOrEqual(4);
    expect(new Set(mcpPosts.map((entry) => entry.replica))).toEqual(new Set(['A', 'B']));
    const oauthSteps = proxy.served.filter((entry) => entry.path.startsWith('/oauth/'));
    expect(new Set(oauthSteps.map((entry) => entry.replica))).toEqual(new Set(['A', 'B']));
  });

  it('issue 21: killing replica A while it refreshes, then while it streams, loses no token: B answers on the same connection', async () => {
    const { user, connection, tokens } = await seedChatgptConnection({
      context,
      fake: fakeAuth,
      accessTokenTtlSeconds: 60,
      email: 'crash@gateway.test',
      account: ACCOUNTS.crash,
    });
    const { secret } = await createApiKey(context, { userId: user.id, name: 'notes' });
    const refreshesBefore = findRefreshRequests(fakeAuth).length;
    const refreshesSoFar = () => findRefreshRequests(fakeAuth).slice(refreshesBefore);

    // 1. A holds the refresh lease: auth.openai.com holds A's refresh (and gives up on it when A's connection dies).
    fakeAuth.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'delay', ms: 120_000 } });
    const first = replica('A');
    const lost = streamEvents(first.url, secret, 'lost with A').catch((error: unknown) => error);
    await waitFor(() => (refreshesSoFar().length === 1 ? true : null));
    const held = await connectionRow(connection.id);
    expect(held?.leaseOwner).toContain(`"pid":${first.process.child.pid}`);
    await killHard(first);
    expect(await lost).toBeInstanceOf(Error);

    const exchangesBefore = fakeCodex.exchanges.length;
    const startedAt = Date.now();
    const events = await streamEvents(replica('B').url, secret, 'answered by B');
    process.stdout.write(`issue 21: B answered after A died holding the lease in ${Date.now() - startedAt} ms\n`);
    expect(
      events
        .filter((event) => event.type === 'delta')
        .map((event) => event.text)
        .join(''),
    ).toBe('echo: answered by B');
    expect(events.at(-1)).toMatchObject({ type: 'done', provider: 'chatgpt' });
    // A's refresh never completed, so the refresh token stored in the database was still good: B used it once.
    const refreshes = refreshesSoFar();
    expect(refreshes).toHaveLength(2);
    expect(refreshes.map(refreshTokenOf)).toEqual([tokens.refreshToken, tokens.refreshToken]);
    const refreshed = refreshedTokensOf(ACCOUNTS.crash).at(-1);
    expect(upstreamTokensSince(exchangesBefore)).toEqual([refreshed?.accessToken]);
    expect(await connectionRow(connection.id)).toMatchObject({
      leaseOwner: null,
      leaseUntil: null,
      interruptedAt: null,
    });

    // 2. A (back) is streaming an answer when it is killed: the connection is untouched, B answers at once.
    const second = await startReplica('A', first.port);
    fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'A long answer that takes its time to arrive, word after word.',
      deltaCount: 6,
      stall: { ms: 10_000, afterDeltas: 1 },
    });
    // No resume: the stream's events lived in A (docs/postgres.md §4), and this test is about what B does next.
    const cut = createGatewayClient({ baseUrl: second.url, apiKey: secret }).stream(
      { model: 'chatgpt/gpt-5.5', content: 'Tell me a long story' },
      { resume: false },
    );
    const seenByClient: AiStreamEvent[] = [];
    const midStream = (async () => {
      for await (const event of cut) {
        seenByClient.push(event);
        if (event.type === 'delta') await killHard(second);
      }
    })().catch((error: unknown) => error);
    expect(await midStream).toMatchObject({ code: 'stream_lost' });
    expect(seenByClient.map((event) => event.type)).toEqual(['delta']);

    const afterKill = fakeCodex.exchanges.length;
    const again = await chat(replica('B').url, secret, 'after the crash mid-stream');
    expect(again.status, await again.clone().text()).toBe(200);
    expect(((await again.json()) as { content: string }).content).toBe('echo: after the crash mid-stream');
    expect(refreshesSoFar()).toHaveLength(2);
    expect(upstreamTokensSince(afterKill)).toEqual([refreshed?.accessToken]);
    expect((await listConnections(context, user.id))[0]).toMatchObject({ state: 'connected' });
  }, 90_000);

  it('issue 21: killing replica A after auth.openai.com rotated the token, before A stored the new access token, loses nothing', async () => {
    const { user, connection, tokens } = await seedChatgptConnection({
      context,
      fake: fakeAuth,
      accessTokenTtlSeconds: 60,
      email: 'rotated@gateway.test',
      account: ACCOUNTS.rotated,
    });
    const { secret } = await createApiKey(context, { userId: user.id, name: 'notes' });
    const refreshesBefore = findRefreshRequests(fakeAuth).length;
    const before = await connectionRow(connection.id);
    // The narrowest moment of a crash: A has the upstream's answer and has stored the rotated refresh token (as
    // soon as the answer shows it), and its write of the new access token, which frees the lease, has not landed.
    // A trigger holds exactly that write inside PostgreSQL; terminating its backend after the kill makes it a write
    // that never arrived.
    let stranded: Awaited<ReturnType<typeof connectionRow>>;
    let strandedOwnerPid: number | undefined;
    await db.run(sql`create function pag_test_hold_token_store() returns trigger language plpgsql as $$
      begin perform pg_sleep(60); return new; end $$`);
    await db.run(sql`create trigger pag_test_hold_token_store before update on connections for each row
      when (old.access_token_ciphertext is distinct from new.access_token_ciphertext)
      execute function pag_test_hold_token_store()`);
    try {
      const first = replica('A');
      const lost = chat(first.url, secret, 'lost with A').catch((error: unknown) => error);
      const [held] = await waitFor(async () => {
        const sleeping = await db.all<{ pid: number }>(
          sql`select pid from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep'`,
        );
        return sleeping.length === 1 ? sleeping : null;
      });
      stranded = await connectionRow(connection.id);
      strandedOwnerPid = first.process.child.pid;
      await killHard(first);
      await db.run(sql`select pg_terminate_backend(${held?.pid})`);
      expect(await lost).toBeInstanceOf(Error);
    } finally {
      // A write still held (the test failed before the kill) would keep the drop waiting for its whole sleep.
      await db.run(
        sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep'`,
      );
      await db.run(sql`drop trigger if exists pag_test_hold_token_store on connections`);
      await db.run(sql`drop function if exists pag_test_hold_token_store()`);
    }

    const answer = await chat(replica('B').url, secret, 'answered by B');
    expect(answer.status, await answer.clone().text()).toBe(200);
    expect(((await answer.json()) as { content: string }).content).toBe('echo: answered by B');
    // When A died, it held the lease and had stored the rotated refresh token (the version moved once), no more.
    expect(stranded?.leaseOwner).toContain(`"pid":${strandedOwnerPid}`);
    expect(stranded?.version).toBe((before?.version ?? 0) + 1);
    // A's refresh spent the seeded refresh token; B refreshed with the one A stored from the answer, not the dead one.
    const rotatedByA = refreshedTokensOf(ACCOUNTS.rotated).at(-2);
    expect(findRefreshRequests(fakeAuth).slice(refreshesBefore).map(refreshTokenOf)).toEqual([
      tokens.refreshToken,
      rotatedByA?.refreshToken,
    ]);
    expect((await listConnections(context, user.id))[0]).toMatchObject({ state: 'connected' });
    expect(await connectionRow(connection.id)).toMatchObject({
      leaseOwner: null,
      leaseUntil: null,
      interruptedAt: null,
    });
  }, 90_000);
});

type RoundRobinProxy = {
  url: string;
  setTarget(name: 'A' | 'B', port: number): void;
  /** Every request passed on, in order, with the replica it went to. */
  served: { replica: 'A' | 'B'; method: string; path: string }[];
  close(): Promise<void>;
};

/**
 * A reverse proxy without sticky sessions: each request goes to the other replica than the one before (by arrival
 * on this proxy), whatever cookie or token it carries. Bodies and answers stream through unbuffered, as Caddy
 * passes event streams (deploy/Caddyfile); the Host header is kept, as Caddy keeps it.
 */
async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  const ports: Partial<Record<'A' | 'B', number>> = {};
  const served: RoundRobinProxy['served'] = [];
  let turn = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const name = turn % 2 === 0 ? 'A' : 'B';
    turn += 1;
    const port = ports[name];
    served.push({ replica: name, method: incoming.method ?? 'GET', path: (incoming.url ?? '/').split('?')[0] ?? '/' });
    if (port == null) {
      outgoing.writeHead(502).end();
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    setTarget(name, targetPort) {
      ports[name] = targetPort;
    },
    served,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
