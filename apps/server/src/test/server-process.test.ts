import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreeLoopbackPort } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProcess, runGatewayCli, startBin, waitFor } from './run-process.ts';

// The real server and the real CLI as separate processes on one data dir: WAL lets them share the SQLite file.

describe('gateway server process', () => {
  let dataDir: string;
  let server: RunningProcess;
  let baseUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pag-process-'));
    const port = await findFreeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_LOG_LEVEL: 'info' };
    server = startBin({ bin: 'gateway-server', env, cwd: dataDir });
    await waitFor(() => (server.output().includes('/setup#token=') ? true : null));
  });

  afterAll(async () => {
    if (server.child.exitCode == null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should print a one-time setup link at first start and answer /healthz', async () => {
    expect(server.output()).toMatch(/http:\/\/localhost:\d+\/setup#token=[\w-]{32}/);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });

  it('issue 16: should keep the database, its WAL files and the key file readable by the owner only', () => {
    const modes = ['gateway.db', 'gateway.db-wal', 'gateway.db-shm', 'encryption.key'].map(
      (name) => `${name} ${(statSync(join(dataDir, name)).mode & 0o777).toString(8)}`,
    );
    expect(modes).toEqual(['gateway.db 600', 'gateway.db-wal 600', 'gateway.db-shm 600', 'encryption.key 600']);
  });

  it('should let the CLI create users and keys while the server runs, and the server use them at once', async () => {
    const created = await runGatewayCli({
      args: ['user', 'create', '--email', 'cli@example.com'],
      env,
      cwd: dataDir,
      stdin: 'a password typed into a pipe\n',
    });
    expect(created).toEqual({ code: 0, stdout: '', stderr: 'created user cli@example.com (admin)\n' });

    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli@example.com', password: 'a password typed into a pipe' }),
    });
    expect(login.status).toBe(200);

    const key = await runGatewayCli({
      args: ['key', 'create', '--user', 'cli@example.com', '--name', 'notes'],
      env,
      cwd: dataDir,
    });
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/^gwk_[a-z2-9]{12}_[\w-]{43}\n$/);
    const secret = key.stdout.trim();
    const me = await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);

    const listed = await runGatewayCli({
      args: ['key', 'list', '--user', 'cli@example.com', '--json'],
      env,
      cwd: dataDir,
    });
    const [summary] = JSON.parse(listed.stdout) as { id: string; lastUsedAt: string | null }[];
    expect(summary?.lastUsedAt).not.toBeNull();
    const revoked = await runGatewayCli({
      args: ['key', 'revoke', '--user', 'cli@example.com', '--id', summary?.id ?? ''],
      env,
      cwd: dataDir,
    });
    expect(revoked.code).toBe(0);
    expect((await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
  });

  it('issue 16: should read one line per prompt from a pipe: the password, then its confirmation', async () => {
    const created = await runGatewayCli({
      args: ['user', 'create', '--email', 'piped@example.com'],
      env,
      cwd: dataDir,
      stdin: 'a piped password\na piped password\n',
    });
    expect(created).toEqual({ code: 0, stdout: '', stderr: 'created user piped@example.com\n' });
    const signIn = (password: string) =>
      fetch(`${baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'piped@example.com', password }),
      });
    expect((await signIn('a piped password')).status).toBe(200);
    expect((await signIn('a piped password\na piped password')).status).toBe(401);

    const mismatch = await runGatewayCli({
      args: ['user', 'create', '--email', 'mismatch@example.com'],
      env,
      cwd: dataDir,
      stdin: 'a piped password\nanother password\n',
    });
    expect(mismatch).toEqual({ code: 1, stdout: '', stderr: 'gateway: the passwords do not match\n' });
  });

  it.each([
    ['a tab', 'a password\twith a tab\n'],
    ['an escape sequence', 'a password with\u001b[A an arrow key\n'],
    ['a NUL', 'a password with \u0000 in it\n'],
  ])('issue 16: should refuse a password with %s, saying why', async (_name, stdin) => {
    const result = await runGatewayCli({
      args: ['user', 'create', '--email', 'control@example.com'],
      env,
      cwd: dataDir,
      stdin,
    });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'gateway: password must not contain control characters (such as a line break, a tab or an escape sequence)\n',
    });
  });

  it.each([
    [
      ['user', 'create', '--email', 'cli@example.com'],
      'a password typed into a pipe',
      1,
      'gateway: A user with the email cli@example.com already exists.\n',
    ],
    [
      ['user', 'create', '--email', 'short@example.com'],
      'short',
      1,
      'gateway: password must be at least 12 characters\n',
    ],
    [
      ['user', 'create', '--email', 'not-an-email'],
      'long enough password',
      1,
      'gateway: email must be a valid email address\n',
    ],
    [
      ['key', 'create', '--user', 'nobody@example.com', '--name', 'x'],
      '',
      1,
      'gateway: No user with the email nobody@example.com.\n',
    ],
    [
      ['key', 'revoke', '--user', 'cli@example.com', '--id', 'missing'],
      '',
      1,
      'gateway: No API key with the id missing.\n',
    ],
  ])('should exit non-zero with a one-line reason: %j', async (args, stdin, code, stderr) => {
    const result = await runGatewayCli({ args, env, cwd: dataDir, stdin });
    expect(result).toEqual({ code, stdout: '', stderr });
  });

  it('should exit 2 with usage for a malformed command line', async () => {
    const result = await runGatewayCli({ args: ['key', 'create', '--user', 'cli@example.com'], env, cwd: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gateway: "key create" needs --name\n\nUsage:/);
    const unknownFlag = await runGatewayCli({ args: ['user', 'list', '--pasword', 'x'], env, cwd: dataDir });
    expect(unknownFlag.code).toBe(2);
  });

  it("should reset a password from stdin and end that user's sessions", async () => {
    const result = await runGatewayCli({
      args: ['user', 'reset-password', '--email', 'cli@example.com'],
      env,
      cwd: dataDir,
      stdin: 'a brand new password',
    });
    expect(result.code).toBe(0);
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli@example.com', password: 'a brand new password' }),
    });
    expect(login.status).toBe(200);
  });

  it('should shut down gracefully on SIGTERM with exit code 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});

describe('startup with bad configuration', () => {
  it.each([
    [{ GATEWAY_PORT: 'abc' }, /GATEWAY_PORT must be an integer between 0 and 65535 \(got "abc"\)/],
    [{ GATEWAY_PUBLIC_URL: 'not a url' }, /GATEWAY_PUBLIC_URL must be an absolute http\(s\) URL/],
  ])('should stop with exit code 1 and name the variable: %j', async (badEnv, message) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pag-badenv-'));
    try {
      const running = startBin({ bin: 'gateway-server', env: { GATEWAY_DATA_DIR: dataDir, ...badEnv }, cwd: dataDir });
      expect(await running.exited).toBe(1);
      expect(running.output()).toMatch(message);
      expect(running.output()).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('should say clearly when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'pag-busy-'));
    try {
      const running = startBin({
        bin: 'gateway-server',
        env: { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port) },
        cwd: dataDir,
      });
      expect(await running.exited).toBe(1);
      expect(running.output()).toContain(
        `gateway: port ${port} on 127.0.0.1 is in use: set GATEWAY_PORT to another port`,
      );
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
