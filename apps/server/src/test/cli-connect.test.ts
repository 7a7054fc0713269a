import { type FakeOpenAiAuth, OPENAI_ISSUER, startFakeOpenAiAuth } from '@pag/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../domain/accounts/create-user.ts';
import { GATEWAY_ORIGINATOR, GATEWAY_USER_AGENT } from '../domain/gateway-identity.ts';
import { buildTestApp, TEST_PASSWORD, type TestApp } from './build-test-app.ts';
import { gatewayProcessEnvironment } from './database-environment.ts';
import { readDatabaseText } from './read-database-bytes.ts';
import { runGatewayCli, startBin, waitFor } from './run-process.ts';

// The headless-server path: the CLI connects, lists and disconnects over the same data dir, against the fake, which
// signs `iss = https://auth.openai.com` as the real server does whatever URL the CLI reaches it at.
let fake: FakeOpenAiAuth;
let test: TestApp;
let env: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeOpenAiAuth({ autoApprove: true, deviceInterval: '1', issuer: OPENAI_ISSUER });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  fake.reset();
  fake.setModes({ autoApprove: true });
  test = await buildTestApp({ GATEWAY_OPENAI_AUTH_URL: fake.url });
  // On a PostgreSQL run the CLI opens the test app's database, under the key the app stored with.
  env = { GATEWAY_DATA_DIR: test.dataDir, GATEWAY_OPENAI_AUTH_URL: fake.url, ...gatewayProcessEnvironment(test) };
  await createUser(test.connections, { email: 'owner@example.com', password: TEST_PASSWORD, isAdmin: true });
});
afterEach(async () => {
  await test.close();
});

// Each test starts one to three CLI processes, each a few seconds of start on a busy machine (the PostgreSQL run
// starts them while other suites run): the default 20 s was too tight for three in a row, not for the work.
describe('gateway connect chatgpt', { timeout: 60_000 }, () => {
  it('should connect with --device: print the code, wait for approval, exit 0', async () => {
    const cli = startBin({
      bin: 'gateway',
      args: ['connect', 'chatgpt', '--user', 'owner@example.com', '--device'],
      env,
      cwd: test.dataDir,
    });
    const userCode = await waitFor(() => /enter the code (\S+)/.exec(cli.output())?.[1], 20_000);
    expect(cli.output()).toContain(`Open ${fake.url}/codex/device and enter the code ${userCode}`);
    fake.approveDevice({ userCode });
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/connected ChatGPT account user@example.com \(plus, ••••[0-9a-f]{4}\)/);

    const listed = await runGatewayCli({
      args: ['connections', '--user', 'owner@example.com', '--json'],
      env,
      cwd: test.dataDir,
    });
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { provider: 'chatgpt', state: 'connected', email: 'user@example.com', method: 'device' },
    ]);
    const database = await readDatabaseText(test.db, test.config.databaseFile);
    for (const issued of fake.issuedTokens) expect(database.includes(issued.refreshToken)).toBe(false);
  });

  it('issue 14: should connect with --device and --paste against a server signing https://auth.openai.com, as the gateway', async () => {
    const device = startBin({
      bin: 'gateway',
      args: ['connect', 'chatgpt', '--user', 'owner@example.com', '--device'],
      env,
      cwd: test.dataDir,
    });
    const userCode = await waitFor(() => /enter the code (\S+)/.exec(device.output())?.[1], 20_000);
    fake.approveDevice({ userCode });
    expect(await device.exited, device.output()).toBe(0);
    const paste = startBin({
      bin: 'gateway',
      args: ['connect', 'chatgpt', '--user', 'owner@example.com', '--paste'],
      env,
      cwd: test.dataDir,
    });
    const authorizeUrl = await waitFor(() => /^(http\S+\/oauth\/authorize\S+)$/m.exec(paste.output())?.[1], 20_000);
    const redirect = await fetch(authorizeUrl, { redirect: 'manual' });
    paste.child.stdin?.end(`${redirect.headers.get('location')}\n`);
    expect(await paste.exited, paste.output()).toBe(0);

    for (const issued of fake.issuedTokens) {
      expect(JSON.parse(Buffer.from(issued.idToken.split('.')[1] ?? '', 'base64url').toString()).iss).toBe(
        'https://auth.openai.com',
      );
    }
    expect(env.GATEWAY_OPENAI_AUTH_URL).toBe(fake.url);
    const listed = await runGatewayCli({
      args: ['connections', '--user', 'owner@example.com', '--json'],
      env,
      cwd: test.dataDir,
    });
    expect(JSON.parse(listed.stdout)).toMatchObject([{ provider: 'chatgpt', state: 'connected', method: 'paste' }]);
    // Device code, polls, two exchanges (and the best-effort revoke of the replaced sign-in, if it went out before
    // the process exited): all named as the gateway.
    const calls = fake.requests.filter((request) => request.method === 'POST');
    expect(calls.map((request) => request.path)).toEqual(
      expect.arrayContaining(['/api/accounts/deviceauth/usercode', '/api/accounts/deviceauth/token', '/oauth/token']),
    );
    expect(calls.filter((request) => request.path === '/oauth/token')).toHaveLength(2);
    for (const call of calls) {
      expect(call.headers).toMatchObject({ originator: GATEWAY_ORIGINATOR, 'user-agent': GATEWAY_USER_AGENT });
    }
  });

  it('should exit 1 with the reason when the device code is declined', async () => {
    const cli = startBin({
      bin: 'gateway',
      args: ['connect', 'chatgpt', '--user', 'owner@example.com', '--device'],
      env,
      cwd: test.dataDir,
    });
    const userCode = await waitFor(() => /enter the code (\S+)/.exec(cli.output())?.[1], 20_000);
    fake.denyDevice({ userCode });
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('gateway: The sign-in was declined at ChatGPT.');
  });

  it('should connect with --paste: print the link, read the address from stdin', async () => {
    const cli = startBin({
      bin: 'gateway',
      args: ['connect', 'chatgpt', '--user', 'owner@example.com', '--paste'],
      env,
      cwd: test.dataDir,
    });
    const authorizeUrl = await waitFor(() => /^(http\S+\/oauth\/authorize\S+)$/m.exec(cli.output())?.[1], 20_000);
    const redirect = await fetch(authorizeUrl, { redirect: 'manual' });
    cli.child.stdin?.end(`${redirect.headers.get('location')}\n`);
    expect(await cli.exited).toBe(0);
    const disconnected = await runGatewayCli({
      args: ['disconnect', 'chatgpt', '--user', 'owner@example.com'],
      env,
      cwd: test.dataDir,
    });
    expect(disconnected).toMatchObject({
      code: 0,
      stderr: 'disconnected ChatGPT; its sign-in was revoked at OpenAI\n',
    });
    expect(fake.findRequests({ method: 'POST', path: '/oauth/revoke' })).toHaveLength(1);
    const again = await runGatewayCli({
      args: ['disconnect', 'chatgpt', '--user', 'owner@example.com'],
      env,
      cwd: test.dataDir,
    });
    expect(again).toMatchObject({ code: 1, stderr: 'gateway: No ChatGPT account is connected.\n' });
  });

  it('should refuse pasted garbage with a one-line reason and exit 1', async () => {
    const result = await runGatewayCli({
      args: ['connect', 'chatgpt', '--user', 'owner@example.com', '--paste'],
      env,
      cwd: test.dataDir,
      stdin: 'not the address\n',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      'gateway: The code in that input is malformed: copy the whole address again.',
    );
  });

  it('should need exactly one of --device and --paste', async () => {
    const result = await runGatewayCli({
      args: ['connect', 'chatgpt', '--user', 'owner@example.com'],
      env,
      cwd: test.dataDir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs exactly one of --device or --paste/);
  });
});
