import { rm } from 'node:fs/promises';
import type { FakeCodexBackend, FakeOpenAiAuth, RecordedRequest } from '@pag/testkit';
import {
  closeAllFakeServers,
  FAKE_CODEX_REPLY_TEXT,
  OPENAI_CODEX_CLIENT_ID,
  OPENAI_ISSUER,
  REFRESH_TOKEN_REUSED_MESSAGE,
  startFakeCodexBackend,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodexCliRun } from './codex-cli-harness.ts';
import {
  codexExecArgs,
  createCodexHome,
  describeTraffic,
  readCodexAuthJson,
  runCodexCli,
  startEgressRecorder,
} from './codex-cli-harness.ts';

// Runs the official Codex CLI 0.169.0 binary (npm @openai/codex) against startFakeOpenAiAuth, to prove the fake
// answers what the real client sends and that the real client accepts the answers (docs/codex-protocol.md §4, §10).

const CLI_TIMEOUT_MS = 60_000;
/** Codex's own text for `refresh_token_reused` (docs/codex-protocol.md §4.5). */
const CODEX_REUSED_TEXT = 'Your access token could not be refreshed because your refresh token was already used.';

let egress: Awaited<ReturnType<typeof startEgressRecorder>>;
const homes: string[] = [];

beforeAll(async () => {
  egress = await startEgressRecorder();
});
afterEach(async () => {
  await closeAllFakeServers();
  egress.targets.length = 0;
});
afterAll(async () => {
  await egress.close();
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
});

function execArgs(backend: FakeCodexBackend): string[] {
  return codexExecArgs({ backend, prompt: 'Reply with one word.' });
}

/** The strict fake backend, trusting only the tokens of this fake auth server (rotated ones included). */
function startBackend(fake: FakeOpenAiAuth): Promise<FakeCodexBackend> {
  return startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(fake) });
}

async function runCodex(options: { fake: FakeOpenAiAuth; home: string; args: string[] }): Promise<CodexCliRun> {
  const run = await runCodexCli({
    args: options.args,
    codexHome: options.home,
    authUrl: options.fake.url,
    proxyUrl: egress.url,
    timeoutMs: CLI_TIMEOUT_MS,
    path: process.env.PATH ?? '/usr/bin:/bin',
  });
  if (run.exitCode !== 0) console.log(`[conformance] codex ${options.args[0]} stderr:\n${run.stderr}`);
  return run;
}

function logTraffic(label: string, requests: readonly RecordedRequest[]): void {
  console.log(`[conformance] ${label}:\n${describeTraffic(requests)}`);
}

async function seedCodexHome(options: { fake: FakeOpenAiAuth; accessTokenTtlSeconds: number }) {
  const seeded = await options.fake.mintTokens({ accessTokenTtlSeconds: options.accessTokenTtlSeconds });
  const home = await createCodexHome(seeded);
  homes.push(home);
  return { seeded, home };
}

describe('official Codex CLI 0.169.0 against startFakeOpenAiAuth', () => {
  it('should refresh proactively, store the rotated tokens, use them, then revoke them on logout', async () => {
    const fake = await startFakeOpenAiAuth();
    const backend = await startBackend(fake);
    // Two minutes left: inside Codex's 5-minute window (docs/codex-protocol.md §4.4), so the first use of auth
    // refreshes.
    const { seeded, home } = await seedCodexHome({ fake, accessTokenTtlSeconds: 120 });

    const run = await runCodex({ fake, home, args: execArgs(backend) });
    logTraffic('codex exec → fake auth', fake.requests);
    logTraffic('codex exec → fake backend', backend.requests);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(FAKE_CODEX_REPLY_TEXT);
    expect(egress.targets).toEqual([]);
    const refreshes = fake.findRequests({ method: 'POST', path: '/oauth/token' });
    expect(fake.requests).toHaveLength(1);
    expect(refreshes[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      originator: 'codex_exec',
      'user-agent': expect.stringMatching(/^codex_exec\/0\.169\.0 /),
    });
    expect(refreshes[0]?.text).toBe(
      JSON.stringify({
        client_id: OPENAI_CODEX_CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_reason: 'proactive_expiry',
        refresh_token: seeded.refreshToken,
      }),
    );
    const rotated = fake.issuedTokens.at(-1);
    expect(rotated?.grant).toBe('refresh_token');
    const stored = await readCodexAuthJson(home);
    expect(stored.auth_mode).toBe('chatgpt');
    expect(stored.tokens).toEqual({
      id_token: rotated?.idToken,
      access_token: rotated?.accessToken,
      refresh_token: rotated?.refreshToken,
      account_id: seeded.chatgptAccountId,
    });
    const [modelRequest] = backend.findRequests({ method: 'POST', path: '/backend-api/codex/responses' });
    expect(modelRequest?.headers.authorization).toBe(`Bearer ${rotated?.accessToken}`);
    expect(modelRequest?.headers['chatgpt-account-id']).toBe(seeded.chatgptAccountId);

    fake.reset();
    const logout = await runCodex({ fake, home, args: ['logout'] });
    logTraffic('codex logout → fake auth', fake.requests);

    expect(logout.exitCode).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/oauth/revoke',
      headers: { 'content-type': 'application/json' },
      text: JSON.stringify({
        token: rotated?.refreshToken,
        token_type_hint: 'refresh_token',
        client_id: OPENAI_CODEX_CLIENT_ID,
      }),
    });
    expect(egress.targets).toEqual([]);
  });

  it('issue 14: should take a refresh answer signed https://auth.openai.com with another aud and no token_type', async () => {
    // The fake reached at 127.0.0.1 signs the real issuer, as auth.openai.com does behind any other URL. The backend
    // takes any unexpired token (verifyWithFakeOpenAiAuth expects the fake's own URL as issuer).
    const fake = await startFakeOpenAiAuth({ issuer: OPENAI_ISSUER });
    const backend = await startFakeCodexBackend();
    const { seeded, home } = await seedCodexHome({ fake, accessTokenTtlSeconds: 120 });
    fake.quirkNextRefreshAnswer(['id-token-for-another-audience', 'no-token-type', 'no-expires-in']);

    const run = await runCodex({ fake, home, args: execArgs(backend) });
    logTraffic('codex exec (quirky refresh answer) → fake auth', fake.requests);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(FAKE_CODEX_REPLY_TEXT);
    const rotated = fake.issuedTokens.at(-1);
    expect(rotated?.grant).toBe('refresh_token');
    expect((await readCodexAuthJson(home)).tokens).toEqual({
      id_token: rotated?.idToken,
      access_token: rotated?.accessToken,
      refresh_token: rotated?.refreshToken,
      account_id: seeded.chatgptAccountId,
    });
    const [modelRequest] = backend.findRequests({ method: 'POST', path: '/backend-api/codex/responses' });
    expect(modelRequest?.headers.authorization).toBe(`Bearer ${rotated?.accessToken}`);
    expect(egress.targets).toEqual([]);
  });

  it('issue 14: should keep the rotated refresh token of an answer without access_token, and refresh with it', async () => {
    const fake = await startFakeOpenAiAuth({ issuer: OPENAI_ISSUER });
    const backend = await startFakeCodexBackend();
    const { seeded, home } = await seedCodexHome({ fake, accessTokenTtlSeconds: 120 });
    fake.quirkNextRefreshAnswer(['no-access-token']);

    const run = await runCodex({ fake, home, args: execArgs(backend) });
    logTraffic('codex exec (refresh answer without access_token) → fake auth', fake.requests);

    // Only the fields present overwrite (docs/codex-protocol.md §4.2): the new refresh token is stored at once, and as
    // the old access token is still inside the refresh window, the next use of auth refreshes again with it.
    expect(run.exitCode).toBe(0);
    const [, quirky, complete] = fake.issuedTokens;
    const refreshes = fake.findRequests({ method: 'POST', path: '/oauth/token' });
    expect(refreshes.map((request) => (request.json as { refresh_token: string }).refresh_token)).toEqual([
      seeded.refreshToken,
      quirky?.refreshToken,
    ]);
    expect(fake.issuedTokens.map((tokens) => tokens.refreshTokenStatus)).toEqual(['rotated', 'rotated', 'active']);
    expect((await readCodexAuthJson(home)).tokens).toMatchObject({
      access_token: complete?.accessToken,
      refresh_token: complete?.refreshToken,
    });
    expect(egress.targets).toEqual([]);
  });

  it('should give up after refresh_token_reused, report it, and keep the stored tokens', async () => {
    const fake = await startFakeOpenAiAuth();
    const backend = await startBackend(fake);
    const { seeded, home } = await seedCodexHome({ fake, accessTokenTtlSeconds: 120 });
    // Another client (a second Codex, a proxy) rotated this refresh token first: the top cause of the error (§4.3).
    const stolen = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: OPENAI_CODEX_CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_token: seeded.refreshToken,
      }),
      signal: AbortSignal.timeout(5000),
    });
    expect(stolen.status).toBe(200);
    const before = fake.requests.length;

    const run = await runCodex({ fake, home, args: execArgs(backend) });
    const sent = fake.requests.slice(before);
    logTraffic('codex exec (reused token) → fake auth', sent);

    // 0.169.0 sends one refresh per auth consumer started in parallel (observed: 4) and none after the first 401
    // is cached as permanent; a retry loop would send far more within the run.
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(4);
    for (const request of sent) {
      expect(request.path).toBe('/oauth/token');
      expect(request.json).toMatchObject({ refresh_token: seeded.refreshToken, refresh_reason: 'proactive_expiry' });
    }
    expect(run.stderr).toContain(CODEX_REUSED_TEXT);
    // A failed proactive refresh is not fatal: the still-valid access token is used (§4.4).
    expect(run.exitCode).toBe(0);
    const [modelRequest] = backend.findRequests({ method: 'POST', path: '/backend-api/codex/responses' });
    expect(modelRequest?.headers.authorization).toBe(`Bearer ${seeded.accessToken}`);
    expect((await readCodexAuthJson(home)).tokens.refresh_token).toBe(seeded.refreshToken);
    expect(REFRESH_TOKEN_REUSED_MESSAGE).toMatch(/already been used/);
    expect(egress.targets).toEqual([]);
  });

  it('should refresh once on a backend 401 (unauthorized_recovery), retry, then stop', async () => {
    const fake = await startFakeOpenAiAuth();
    const backend = await startBackend(fake);
    // Every model request is refused however good the token, so the CLI goes through its whole 401 recovery.
    backend.rejectAccessToken({ times: Number.POSITIVE_INFINITY });
    // Ten days left: no proactive refresh, so any refresh is the 401 recovery path.
    const { seeded, home } = await seedCodexHome({ fake, accessTokenTtlSeconds: 864_000 });

    const run = await runCodex({ fake, home, args: execArgs(backend) });
    logTraffic('codex exec (backend 401) → fake auth', fake.requests);
    logTraffic(
      'codex exec (backend 401) → fake backend',
      backend.findRequests({ path: '/backend-api/codex/responses' }),
    );

    // 0.169.0 makes 6 sampling attempts (1 + 5 retries); each 401 triggers one reload-and-refresh, then a retry.
    const refreshes = fake.findRequests({ method: 'POST', path: '/oauth/token' });
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(refreshes.length).toBeLessThanOrEqual(6);
    // Every refresh presents the token the previous one returned: the CLI persisted each rotation, so the fake never
    // had to answer refresh_token_reused.
    const issued = fake.issuedTokens;
    expect(issued).toHaveLength(refreshes.length + 1);
    refreshes.forEach((request, index) => {
      expect(request.json).toEqual({
        client_id: OPENAI_CODEX_CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_reason: 'unauthorized_recovery',
        refresh_token: issued[index]?.refreshToken,
      });
    });
    expect(issued.map((tokens) => tokens.refreshTokenStatus)).toEqual([
      ...Array.from({ length: refreshes.length }, () => 'rotated'),
      'active',
    ]);
    expect(issued[0]?.refreshToken).toBe(seeded.refreshToken);
    const last = issued.at(-1);
    expect((await readCodexAuthJson(home)).tokens.refresh_token).toBe(last?.refreshToken);
    const modelRequests = backend.findRequests({ method: 'POST', path: '/backend-api/codex/responses' });
    expect(modelRequests.at(-1)?.headers.authorization).toBe(`Bearer ${last?.accessToken}`);
    expect(run.exitCode).not.toBe(0);
    expect(egress.targets).toEqual([]);
  });
});
