import { spawn } from 'node:child_process';
import { type FakeOpenAiAuth, startFakeOpenAiAuth } from '@pag/testkit';
import { describe, expect, it } from 'vitest';
import type { TestApp } from './build-test-app.ts';
import { gatewayProcessEnvironment } from './database-environment.ts';
import { findRefreshRequests } from './find-refresh-requests.ts';
import { COMPILE_CACHE_ENVIRONMENT, type RunningProcess, SERVER_DIR, waitFor } from './run-process.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';
import { useTestAppWithFake } from './use-test-app-with-fake.ts';

// Two gateway processes sharing one database (a SQLite file, or PostgreSQL as replicas share it) must still refresh a
// connection only once: the lease is taken by compare-and-swap on the row, and the losing process reloads the row
// instead of using the dead refresh token.

let fake: FakeOpenAiAuth;
let test: TestApp;
useTestAppWithFake(
  startFakeOpenAiAuth,
  (started) => ({ GATEWAY_OPENAI_AUTH_URL: started.url }),
  (started) => ({ fake, test } = started),
);

function startChild(userId: string): RunningProcess & { lines: () => string[] } {
  const child = spawn(process.execPath, [`${SERVER_DIR}src/test/refresh-storm-child.ts`, userId, '100'], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      ...COMPILE_CACHE_ENVIRONMENT,
      GATEWAY_DATA_DIR: test.dataDir,
      GATEWAY_OPENAI_AUTH_URL: fake.url,
      GATEWAY_LOG_LEVEL: 'silent',
      ...gatewayProcessEnvironment(test),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output: () => output, exited, lines: () => output.split('\n').filter(Boolean) };
}

describe('refresh across processes', () => {
  it('should refresh once when two processes ask 100 times each at the same moment', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    const children = [startChild(user.id), startChild(user.id)];
    await waitFor(() => (children.every((child) => child.lines().includes('ready')) ? true : null), 30_000);
    for (const child of children) child.child.stdin?.write('go\n');
    const codes = await Promise.all(children.map((child) => child.exited));
    expect(codes, children.map((child) => child.output()).join('\n')).toEqual([0, 0]);
    const reports = children.map(
      (child) => JSON.parse(child.lines().at(-1) ?? '{}') as { tokens: string[]; count: number; errors: string[] },
    );
    for (const report of reports) {
      expect(report.errors).toEqual([]);
      expect(report.count).toBe(100);
      expect(report.tokens).toHaveLength(1);
    }
    expect(reports[0]?.tokens[0]).toBe(reports[1]?.tokens[0]);
    expect(reports[0]?.tokens[0]).not.toBe(tokens.accessToken);
    const refreshes = findRefreshRequests(fake);
    expect(refreshes).toHaveLength(1);
  }, 60_000);

  it('issue 16: should refresh once when the second process asks while the first process holds its refresh upstream', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    // The token endpoint holds the first refresh, so the two processes overlap for certain, not by luck.
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'delay', ms: 1_500 } });
    const [first, second] = [startChild(user.id), startChild(user.id)];
    await waitFor(() => (first.lines().includes('ready') && second.lines().includes('ready') ? true : null), 30_000);
    first.child.stdin?.write('go\n');
    await waitFor(() => (refreshRequestsSoFar().length === 1 ? true : null));
    second.child.stdin?.write('go\n');

    const codes = await Promise.all([first.exited, second.exited]);
    expect(codes, `${first.output()}\n${second.output()}`).toEqual([0, 0]);
    const [a, b] = [first, second].map(
      (child) => JSON.parse(child.lines().at(-1) ?? '{}') as { tokens: string[]; count: number; errors: string[] },
    );
    expect(a?.errors).toEqual([]);
    expect(b?.errors).toEqual([]);
    expect(a?.tokens).toHaveLength(1);
    expect(b?.tokens).toEqual(a?.tokens);
    expect(a?.tokens[0]).not.toBe(tokens.accessToken);
    expect(refreshRequestsSoFar()).toHaveLength(1);
  }, 60_000);
});

const refreshRequestsSoFar = () => findRefreshRequests(fake);
