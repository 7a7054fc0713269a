import { randomBytes, randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { usageEvents } from '../db/schema.ts';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../test/build-test-app.ts';
import { runCli } from './run-cli.ts';
import { parseSince } from './usage-command.ts';

// A PostgreSQL run needs the key in the environment (config.ts): the CLI and the app then share it and the database.
const ENCRYPTION_KEY = randomBytes(32).toString('base64');

let test: TestApp;
let owner: SignedInClient;
beforeEach(async () => {
  test = await buildTestApp({ GATEWAY_ENCRYPTION_KEY: ENCRYPTION_KEY });
  owner = await signInNewUser(test);
});
afterEach(async () => {
  await test.close();
});

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, callback) {
        append(String(chunk));
        callback();
      },
    });
  const code = await runCli(args, {
    stdin: Readable.from([]),
    stdout: sink((text) => {
      stdout += text;
    }),
    stderr: sink((text) => {
      stderr += text;
    }),
    environment: {
      GATEWAY_DATA_DIR: test.dataDir,
      GATEWAY_ENCRYPTION_KEY: ENCRYPTION_KEY,
      ...(test.config.database.kind === 'postgres' ? { GATEWAY_DATABASE_URL: test.config.database.url } : {}),
    },
    cwd: test.dataDir,
  });
  return { code, stdout, stderr };
}

async function insert(hoursAgo: number, row: Partial<typeof usageEvents.$inferInsert>) {
  await test.db.insert(usageEvents).values({
    id: randomUUID(),
    createdAt: new Date(Date.now() - hoursAgo * 3_600_000),
    userId: owner.userId,
    callerKind: 'session',
    route: '/api/ai/chat',
    durationMs: 10,
    status: 200,
    isSubscription: false,
    ...row,
  });
}

describe('gateway usage', () => {
  beforeEach(async () => {
    await insert(1, {
      model: 'chatgpt/gpt-5.5',
      inputTokens: 1000,
      outputTokens: 100,
      isSubscription: true,
      apiPriceMicros: 8000,
    });
    await insert(2, {
      model: 'chatgpt/gpt-5.5',
      inputTokens: 500,
      outputTokens: 50,
      isSubscription: true,
      apiPriceMicros: 4000,
    });
    await insert(30, { model: 'openai/gpt-4.1', inputTokens: 10, outputTokens: 1, apiPriceMicros: 28 });
    await insert(24 * 10, { model: 'openai/gpt-4.1', inputTokens: 999, outputTokens: 9 });
  });

  it('issue 19: prints a table by model with the totals, over the last 7 days', async () => {
    const result = await cli(['usage', '--user', 'owner@example.com', '--since', '7d']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Usage from \S+ to \S+$/);
    expect(lines[1]?.split(/\s{2,}/)).toEqual([
      'MODEL',
      'REQUESTS',
      'ERRORS',
      'INPUT',
      'CACHED',
      'OUTPUT',
      'REASONING',
      'API PRICE',
      'SAVED',
      'SPENT',
    ]);
    expect(lines[2]?.split(/\s{2,}/)).toEqual([
      'chatgpt/gpt-5.5',
      '2',
      '0',
      '1500',
      '0',
      '150',
      '0',
      '$0.0120',
      '$0.0120',
      '$0.0000',
    ]);
    expect(lines[3]?.split(/\s{2,}/)).toEqual([
      'openai/gpt-4.1',
      '1',
      '0',
      '10',
      '0',
      '1',
      '0',
      '$0.0000',
      '$0.0000',
      '$0.0000',
    ]);
    expect(lines[4]?.split(/\s{2,}/)).toEqual([
      'TOTAL',
      '3',
      '0',
      '1510',
      '0',
      '151',
      '0',
      '$0.0120',
      '$0.0120',
      '$0.0000',
    ]);
  });

  it('issue 19: prints JSON in the API shape with --json, over the default 30 days', async () => {
    const result = await cli(['usage', '--user', 'owner@example.com', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.groupBy).toBe('model');
    expect(summary.totals).toMatchObject({ requests: 4, inputTokens: 2509, savedUsd: 0.012, spentUsd: 0.000028 });
  });

  it('issue 19: names a bad --since and an unknown user', async () => {
    const bad = await cli(['usage', '--user', 'owner@example.com', '--since', 'last week']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--since must be like 24h, 7d or 4w/);
    expect((await cli(['usage', '--user', 'nobody@example.com'])).code).toBe(1);
    expect((await cli(['usage'])).stderr).toMatch(/"usage" needs --user/);
  });

  it('issue 19: reads --since as hours, days, weeks or an ISO date', () => {
    const now = Date.parse('2026-12-06T00:00:00Z');
    expect(parseSince('24h', now)).toBe(Date.parse('2026-12-05T00:00:00Z'));
    expect(parseSince('2w', now)).toBe(Date.parse('2026-11-22T00:00:00Z'));
    expect(parseSince('2026-12-01T00:00:00Z', now)).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(parseSince(undefined, now)).toBe(Date.parse('2026-11-06T00:00:00Z'));
    expect(() => parseSince('999w', now)).toThrow(/at most 400 days/);
  });
});
