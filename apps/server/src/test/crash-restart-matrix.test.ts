import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChaosProxy,
  DEFAULT_FAKE_GEMINI_API_KEY,
  DEFAULT_FAKE_OPENAI_API_KEY,
  type FakeCodexBackend,
  type FakeGeminiApi,
  type FakeOpenAiApi,
  type FakeOpenAiAuth,
  findFreeLoopbackPort,
  startChaosProxy,
  startFakeCodexBackend,
  startFakeGeminiApi,
  startFakeOpenAiApi,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { deriveKeyId, readKeyFile } from '@pag/vault';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openGatewayDatabase } from '../db/open-database.ts';
import { connections } from '../db/schema.ts';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { saveApiCredential } from '../domain/credentials/save-api-credential.ts';
import { listEncryptedValues } from '../domain/vault/encrypted-columns.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';
import { buildTestApp, TEST_PASSWORD, type TestApp } from './build-test-app.ts';
import { gatewayProcessEnvironment } from './database-environment.ts';
import { fetchWithSession } from './fetch-with-session.ts';
import { isPostgresRun } from './open-test-database.ts';
import { type RunningProcess, runGatewayCli, SERVER_DIR, startBin, waitFor } from './run-process.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';

// Issue 16, the kill -9 matrix: real gateway processes (and the real CLI) killed with SIGKILL at the worst moments —
// with 50 streams in flight, in the middle of `vault rotate-key`, with a device sign-in in progress — then started
// again on the same data directory. After every restart the server starts, every stored secret decrypts with the
// keyring that is configured (the startup check itself, then each value, compared with what was stored), and every
// connection answers a chat. A kill during a refresh is test/refresh-crash-recovery.test.ts.

const PAUSE_HOOK = `${SERVER_DIR}src/test/pause-child-at.ts`;
const MODELS = { chatgpt: 'chatgpt/gpt-5.5', openai: 'openai/gpt-4.1', gemini: 'gemini/gemini-2.5-flash' } as const;
type Provider = keyof typeof MODELS;

let fakeAuth: FakeOpenAiAuth;
let fakeCodex: FakeCodexBackend;
let fakeOpenAi: FakeOpenAiApi;
let fakeGemini: FakeGeminiApi;
/** In front of each model upstream; they pass everything but while a test holds streams open. */
let proxies: Record<Provider, ChaosProxy>;
let test: TestApp;
let apiKey: string;
const running: RunningProcess[] = [];
/** The gateway user who signs in with a device code, to the fake account of the same email. */
const DEVICE_USER = 'device@example.com';

beforeAll(async () => {
  fakeAuth = await startFakeOpenAiAuth({
    deviceInterval: '1',
    accounts: [{ email: 'owner@example.com' }, { email: DEVICE_USER }],
  });
  fakeCodex = await startFakeCodexBackend({
    verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth),
    closeConnections: true,
    defaultScenario: 'echo',
  });
  fakeOpenAi = await startFakeOpenAiApi({ closeConnections: true, defaultScenario: 'echo' });
  fakeGemini = await startFakeGeminiApi({ closeConnections: true, defaultScenario: 'echo' });
  proxies = {
    chatgpt: await startChaosProxy({ target: fakeCodex.url }),
    openai: await startChaosProxy({ target: fakeOpenAi.url }),
    gemini: await startChaosProxy({ target: fakeGemini.url }),
  };
});
afterAll(async () => {
  await Promise.all([
    ...Object.values(proxies ?? {}).map((proxy) => proxy.close()),
    fakeAuth?.close(),
    fakeCodex?.close(),
    fakeOpenAi?.close(),
    fakeGemini?.close(),
  ]);
});

beforeEach(async () => {
  fakeAuth.reset();
  for (const proxy of Object.values(proxies)) proxy.setDefault({ kind: 'pass' });
  test = await buildTestApp({ GATEWAY_OPENAI_AUTH_URL: fakeAuth.url });
  // One user with every kind of connection: the ChatGPT subscription, an OpenAI-compatible key, a Gemini key.
  const { user } = await seedChatgptConnection({
    context: test.connections,
    fake: fakeAuth,
    accessTokenTtlSeconds: 3600,
  });
  for (const provider of ['openai', 'gemini'] as const) {
    await saveApiCredential(test.connections, {
      userId: user.id,
      provider,
      apiKey: provider === 'openai' ? DEFAULT_FAKE_OPENAI_API_KEY : DEFAULT_FAKE_GEMINI_API_KEY,
      baseUrl: provider === 'openai' ? `${proxies.openai.url}/v1` : null,
      validate: async () => {},
    });
  }
  apiKey = (await createApiKey(test.connections, { userId: user.id, name: 'crash' })).secret;
});
afterEach(async () => {
  for (const gateway of running.splice(0)) await killHard(gateway);
  await test.close();
});

async function killHard(gateway: RunningProcess): Promise<void> {
  if (gateway.child.exitCode != null || gateway.child.signalCode != null) return;
  gateway.child.kill('SIGKILL');
  await gateway.exited;
}

function gatewayEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...gatewayProcessEnvironment(test),
    GATEWAY_DATA_DIR: test.dataDir,
    GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
    GATEWAY_CHATGPT_BACKEND_URL: `${proxies.chatgpt.url}/backend-api`,
    GATEWAY_GEMINI_API_URL: proxies.gemini.url,
    GATEWAY_ALLOW_PRIVATE_UPSTREAMS: 'true',
    GATEWAY_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** A gateway server process on the test's data directory, listening once this resolves. */
async function startGateway(extra: Record<string, string> = {}): Promise<{ gateway: RunningProcess; url: string }> {
  const port = await findFreeLoopbackPort();
  const gateway = startBin({
    bin: 'gateway-server',
    env: gatewayEnv({ ...extra, GATEWAY_PORT: String(port) }),
    cwd: test.dataDir,
  });
  running.push(gateway);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (gateway.child.exitCode != null) throw new Error(`the gateway exited: ${gateway.output()}`);
    const answer = await fetch(`${url}/healthz`).catch(() => null);
    return answer?.status === 200 ? true : null;
  }, 30_000);
  return { gateway, url };
}

/** Every connection of the user answers a chat, each from its own provider (no fallback hides a broken one). */
async function expectEveryConnectionAnswers(url: string): Promise<void> {
  for (const [provider, model] of Object.entries(MODELS)) {
    const answer = await fetch(`${url}/api/ai/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, content: `still there, ${provider}?` }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await answer.text();
    expect(answer.status, `${provider}: ${text}`).toBe(200);
    expect(JSON.parse(text), provider).toMatchObject({ provider, content: `echo: still there, ${provider}?` });
  }
}

/** Every stored secret, decrypted, by table, column and row. */
type Plaintexts = Record<string, string>;

function decryptEverything(options: { envKey?: string } = {}): Promise<Plaintexts> {
  return decryptWith(test.config.keyFilePath, options.envKey);
}

/**
 * Opens the test's database as a starting gateway would (the startup check of the configured keyring) and decrypts
 * every stored value with it; throws if any does not decrypt.
 */
async function decryptWith(keyFilePath: string, envKey: string | undefined): Promise<Plaintexts> {
  const db = await openGatewayDatabase(test.config.database);
  try {
    const vault = await openGatewayVault({
      db,
      envKey: envKey == null ? null : Buffer.from(envKey, 'base64'),
      keyFilePath,
    });
    return Object.fromEntries(
      (await listEncryptedValues(db)).map((value) => [
        `${value.table}.${value.column}.${value.id}`,
        vault.decrypt(value.ciphertext, { context: value.context }),
      ]),
    );
  } finally {
    await db.$close();
  }
}

/** The key ids the stored values are under, with how many each. */
async function storedKeyIds(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const value of await listEncryptedValues(test.db)) {
    const keyId = value.ciphertext.split('.')[1] ?? '?';
    counts[keyId] = (counts[keyId] ?? 0) + 1;
  }
  return counts;
}

/** Runs a CLI command until the pause hook stops it at `pauseAt`, then kills it with SIGKILL. */
async function killCliAt(options: { args: string[]; env: Record<string, string>; pauseAt: string }): Promise<void> {
  const marker = join(test.dataDir, 'paused');
  rmSync(marker, { force: true });
  const cli = startBin({
    bin: 'gateway',
    args: options.args,
    nodeArgs: ['--import', PAUSE_HOOK],
    env: { ...options.env, PAG_TEST_PAUSE_AT: options.pauseAt, PAG_TEST_PAUSE_MARKER: marker },
    cwd: test.dataDir,
  });
  running.push(cli);
  await waitFor(() => {
    if (cli.child.exitCode != null) throw new Error(`the CLI finished before ${options.pauseAt}: ${cli.output()}`);
    return existsSync(marker) ? true : null;
  }, 30_000);
  await killHard(cli);
  expect(cli.child.signalCode).toBe('SIGKILL');
}

// The key file is the primary key only without GATEWAY_ENCRYPTION_KEY, which a PostgreSQL database requires (every
// replica must decrypt with the same key: config.ts); these rotations start from it or fall back to it.
describe.skipIf(isPostgresRun())('issue 16: kill -9 during vault rotate-key', () => {
  const points = [
    {
      name: 'with the new key added and the re-encryption half done',
      pauseAt: 'reencrypt:3',
      isMoved: false,
    },
    {
      name: 'after every value moved, before the old key was removed',
      pauseAt: 'key-file-write:2',
      isMoved: true,
    },
  ] as const;

  for (const point of points) {
    it(`issue 16: ${point.name}: everything still decrypts and answers, and the rotation can be run again`, async () => {
      const before = await decryptEverything();
      const oldKeyId = readKeyFile(test.config.keyFilePath).primaryKeyId;
      expect(Object.keys(before).length).toBeGreaterThanOrEqual(6);
      const first = await startGateway();
      await expectEveryConnectionAnswers(first.url);

      await killCliAt({ args: ['vault', 'rotate-key'], env: gatewayEnv(), pauseAt: point.pauseAt });
      // The new key was added (the first step), the old one is still there.
      const keyFile = readKeyFile(test.config.keyFilePath);
      expect(keyFile.keys.map((entry) => entry.id)).toContain(oldKeyId);
      expect(keyFile.keys).toHaveLength(2);
      const newKeyId = keyFile.primaryKeyId;
      expect(newKeyId).not.toBe(oldKeyId);
      // A transaction is all or nothing: every value is under one key, the old one or the new one.
      expect(await storedKeyIds()).toEqual({ [point.isMoved ? newKeyId : oldKeyId]: Object.keys(before).length });

      // The server that kept running still answers; so does one started after a kill -9 of its own.
      await expectEveryConnectionAnswers(first.url);
      await killHard(first.gateway);
      const second = await startGateway();
      expect(await decryptEverything()).toEqual(before);
      await expectEveryConnectionAnswers(second.url);

      // Running the rotation again finishes the job: one key left, everything under it.
      const again = await runGatewayCli({ args: ['vault', 'rotate-key'], env: gatewayEnv(), cwd: test.dataDir });
      expect(again.code, again.stderr).toBe(0);
      const finalKeyId = readKeyFile(test.config.keyFilePath).primaryKeyId;
      expect(readKeyFile(test.config.keyFilePath).keys.map((entry) => entry.id)).toEqual([finalKeyId]);
      expect(await storedKeyIds()).toEqual({ [finalKeyId]: Object.keys(before).length });
      expect(await decryptEverything()).toEqual(before);
      await expectEveryConnectionAnswers(second.url);
    }, 120_000);
  }

  it('issue 16: moving to GATEWAY_ENCRYPTION_KEY, killed mid-way: the key file still reads everything; run again, the env key does', async () => {
    const before = await decryptEverything();
    const keyFileBefore = readFileSync(test.config.keyFilePath, 'utf8');
    const oldKeyId = readKeyFile(test.config.keyFilePath).primaryKeyId;
    const envKey = randomBytes(32).toString('base64');
    const envKeyId = deriveKeyId(Buffer.from(envKey, 'base64'));

    await killCliAt({
      args: ['vault', 'rotate-key'],
      env: gatewayEnv({ GATEWAY_ENCRYPTION_KEY: envKey }),
      pauseAt: 'reencrypt:3',
    });
    expect(readFileSync(test.config.keyFilePath, 'utf8')).toBe(keyFileBefore);
    expect(await storedKeyIds()).toEqual({ [oldKeyId]: Object.keys(before).length });
    // Without the env key, the gateway starts and reads everything, as before the rotation.
    const restarted = await startGateway();
    expect(await decryptEverything()).toEqual(before);
    await expectEveryConnectionAnswers(restarted.url);
    await killHard(restarted.gateway);

    const again = await runGatewayCli({
      args: ['vault', 'rotate-key'],
      env: gatewayEnv({ GATEWAY_ENCRYPTION_KEY: envKey }),
      cwd: test.dataDir,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(await storedKeyIds()).toEqual({ [envKeyId]: Object.keys(before).length });
    expect(await decryptEverything({ envKey })).toEqual(before);
    const withEnvKey = await startGateway({ GATEWAY_ENCRYPTION_KEY: envKey });
    await expectEveryConnectionAnswers(withEnvKey.url);
  }, 120_000);
});

type SignInFlowAnswer = { id: string; status: string; userCode: string | null; failureReason: string | null };

/** A browser session of a new user on a gateway process: its cookie, its CSRF token and an API key. */
async function signInOverHttp(url: string, email: string) {
  const user = await createUser(test.connections, { email, password: TEST_PASSWORD, isAdmin: false });
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const secret = (await createApiKey(test.connections, { userId: user.id, name: 'device' })).secret;
  return { cookie, csrfToken, apiKey: secret };
}

type Session = Awaited<ReturnType<typeof signInOverHttp>>;

async function sessionCall(url: string, session: Session, method: 'GET' | 'POST', path: string, body?: unknown) {
  const answer = await fetchWithSession(url, session, method, path, body);
  const text = await answer.text();
  return { status: answer.status, json: (text === '' ? null : JSON.parse(text)) as unknown };
}

const readFlow = async (url: string, session: Session, flowId: string) =>
  (await sessionCall(url, session, 'GET', `/api/connections/chatgpt/sign-in/${flowId}`)).json as SignInFlowAnswer;

const devicePolls = () => fakeAuth.findRequests({ method: 'POST', path: '/api/accounts/deviceauth/token' }).length;

/** The device user's chat through their new ChatGPT connection. */
async function expectDeviceUserAnswers(url: string, session: Session): Promise<void> {
  const answer = await fetch(`${url}/api/ai/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODELS.chatgpt, content: 'signed in?' }),
  });
  expect(answer.status, await answer.clone().text()).toBe(200);
  expect(await answer.json()).toMatchObject({ provider: 'chatgpt', content: 'echo: signed in?' });
}

describe('issue 16: kill -9 with a device sign-in in progress', () => {
  it('issue 16: waiting for approval: the restarted gateway goes on polling and completes the sign-in', async () => {
    const before = await decryptEverything();
    const first = await startGateway();
    const session = await signInOverHttp(first.url, DEVICE_USER);
    const started = await sessionCall(first.url, session, 'POST', '/api/connections/chatgpt/sign-in', {
      method: 'device',
    });
    expect(started.status).toBe(201);
    const flow = started.json as SignInFlowAnswer;
    // In progress: the dead process had polled auth.openai.com at least once.
    await waitFor(() => (devicePolls() >= 1 ? true : null), 10_000);
    await killHard(first.gateway);

    const second = await startGateway();
    expect(await readFlow(second.url, session, flow.id)).toMatchObject({ status: 'pending' });
    const pollsAtRestart = devicePolls();
    fakeAuth.approveDevice({ userCode: flow.userCode ?? '', account: DEVICE_USER });
    // Nobody keeps a page open: the new process polls on its own (every second here) and completes the flow.
    const done = await waitFor(async () => {
      const current = await readFlow(second.url, session, flow.id);
      return ['pending', 'exchanging'].includes(current.status) ? null : current;
    }, 15_000);
    expect(done).toMatchObject({ status: 'completed', failureReason: null });
    expect(devicePolls()).toBeGreaterThan(pollsAtRestart);
    await expectDeviceUserAnswers(second.url, session);
    // Everything stored before still decrypts to what it was, beside the new connection.
    expect(await decryptEverything()).toMatchObject(before);
    await expectEveryConnectionAnswers(second.url);
  }, 120_000);

  it('issue 16: collecting the tokens: after restart the flow has failed with the reason, nothing is stuck, a new sign-in works', async () => {
    const first = await startGateway();
    const session = await signInOverHttp(first.url, DEVICE_USER);
    const flow = (
      await sessionCall(first.url, session, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' })
    ).json as SignInFlowAnswer;
    // auth.openai.com holds the code exchange; the process dies while it waits for the tokens.
    fakeAuth.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'delay', ms: 120_000 } });
    fakeAuth.approveDevice({ userCode: flow.userCode ?? '', account: DEVICE_USER });
    await waitFor(
      () => (fakeAuth.findRequests({ method: 'POST', path: '/oauth/token' }).length === 1 ? true : null),
      15_000,
    );
    expect(await readFlow(first.url, session, flow.id)).toMatchObject({ status: 'exchanging' });
    await killHard(first.gateway);

    const second = await startGateway();
    const after = await readFlow(second.url, session, flow.id);
    expect(after).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/stopped \(a crash or a restart\) while it was collecting/),
    });
    // Cancelling it is harmless, and it stays failed (it is finished, not stuck).
    expect(
      (await sessionCall(second.url, session, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/cancel`)).status,
    ).toBe(204);
    expect(await readFlow(second.url, session, flow.id)).toMatchObject({ status: 'failed' });

    const retry = (
      await sessionCall(second.url, session, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' })
    ).json as SignInFlowAnswer;
    fakeAuth.approveDevice({ userCode: retry.userCode ?? '', account: DEVICE_USER });
    const done = await waitFor(async () => {
      const current = await readFlow(second.url, session, retry.id);
      return ['pending', 'exchanging'].includes(current.status) ? null : current;
    }, 15_000);
    expect(done).toMatchObject({ status: 'completed' });
    await expectDeviceUserAnswers(second.url, session);
    await decryptEverything();
    await expectEveryConnectionAnswers(second.url);
  }, 120_000);
});

/** Numbered words, long enough that the proxy's stall lands after the first text delta of every stream (as in test/upstream-chaos-matrix.timing.test.ts). */
const LONG_TEXT = Array.from({ length: 999 }, (_word, index) => `w${String(index + 1).padStart(4, '0')}`).join(' ');
const MID_ANSWER_BYTES = 5000;
const STREAM_APIS = [
  { path: '/api/ai/stream', body: (model: string) => ({ model, content: 'Hi' }), success: /^event: done$/m },
  {
    path: '/v1/chat/completions',
    body: (model: string) => ({ model, messages: [{ role: 'user', content: 'Hi' }], stream: true }),
    success: /^data: \[DONE\]$/m,
  },
  {
    path: '/v1/responses',
    body: (model: string) => ({ model, input: 'Hi', stream: true }),
    success: /^event: response\.completed$/m,
  },
] as const;

describe('issue 16: kill -9 with 50 streams in flight', () => {
  it('issue 16: every stream ends at once and none looks complete; the restarted gateway decrypts and answers everything', async () => {
    const before = await decryptEverything();
    const first = await startGateway();
    // Through clean proxies first: the catalogues are fetched once, and every connection works.
    await expectEveryConnectionAnswers(first.url);
    fakeCodex.setDefaultScenario({ kind: 'stream', text: LONG_TEXT, deltaCount: 40 });
    fakeOpenAi.setDefaultScenario({ kind: 'reply', text: LONG_TEXT, chunkCount: 40 });
    fakeGemini.setDefaultScenario({ kind: 'reply', text: LONG_TEXT, chunkCount: 40 });
    // Every answer stops after its first words and stays open: 50 streams in flight, output already begun.
    for (const proxy of Object.values(proxies)) proxy.setDefault({ kind: 'stall', afterBytes: MID_ANSWER_BYTES });
    try {
      const providers = Object.keys(MODELS) as Provider[];
      const streams = await Promise.all(
        Array.from({ length: 50 }, async (_stream, index) => {
          const api = STREAM_APIS[index % STREAM_APIS.length] as (typeof STREAM_APIS)[number];
          const provider = providers[Math.floor(index / STREAM_APIS.length) % providers.length] as Provider;
          const answer = await fetch(`${first.url}${api.path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify(api.body(MODELS[provider])),
          });
          expect(answer.status).toBe(200);
          const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
          const decoder = new TextDecoder();
          let text = '';
          while (!text.includes('w0001')) {
            const { value, done } = await reader.read();
            if (done) throw new Error(`stream ${index} ended before its first words: ${text}`);
            text += decoder.decode(value, { stream: true });
          }
          return { name: `stream ${index}: ${provider} ${api.path}`, api, reader, decoder, text };
        }),
      );
      expect(Object.values(proxies).reduce((sum, proxy) => sum + proxy.connections.open, 0)).toBe(50);

      await killHard(first.gateway);
      const killedAt = performance.now();
      // Each client sees its stream end (the connection is gone), soon, and never a success terminal.
      const endings = await Promise.all(
        streams.map(async (stream) => {
          let error: unknown;
          try {
            for (;;) {
              const { value, done } = await stream.reader.read();
              if (done) break;
              stream.text += stream.decoder.decode(value, { stream: true });
            }
          } catch (caught) {
            error = caught;
          }
          return { ...stream, error, endedAfterMs: performance.now() - killedAt };
        }),
      );
      for (const ending of endings) {
        expect(ending.text, ending.name).not.toMatch(ending.api.success);
        // A chunked body cut before its last chunk: the client's reader fails, it does not see a clean end.
        expect(ending.error, ending.name).toBeInstanceOf(Error);
        expect(ending.endedAfterMs, ending.name).toBeLessThan(2_000);
      }
      // The dead process's upstream connections are gone too.
      for (const proxy of Object.values(proxies)) await proxy.waitForNoConnections(5_000);
    } finally {
      for (const proxy of Object.values(proxies)) proxy.setDefault({ kind: 'pass' });
      for (const fake of [fakeCodex, fakeOpenAi, fakeGemini]) fake.setDefaultScenario('echo');
    }

    const second = await startGateway();
    // A SQLite file can be left damaged by a kill; PostgreSQL's files are the server's, which no kill here reaches.
    if (test.db.$dialect === 'sqlite') {
      expect(await test.db.all(sql`pragma integrity_check`)).toEqual([{ integrity_check: 'ok' }]);
    }
    expect(await decryptEverything()).toEqual(before);
    expect(
      await test.db
        .select({
          state: connections.state,
          leaseOwner: connections.refreshLeaseOwner,
          interruptedAt: connections.refreshInterruptedAt,
        })
        .from(connections),
    ).toEqual([{ state: 'connected', leaseOwner: null, interruptedAt: null }]);
    await expectEveryConnectionAnswers(second.url);
  }, 120_000);
});
