import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withTransaction } from '../../db/with-transaction.ts';
import { buildTestApp, signInNewUser, type TestApp } from '../../test/build-test-app.ts';
import { deleteExpiredRows } from '../maintenance/delete-expired-rows.ts';
import { expiredUsageEventsTask } from './expired-usage-events-task.ts';
import { type UsageEventInput, UsageLedger } from './usage-ledger.ts';

// A spy that runs the real thing: the ledger's transactions are counted (and one made to fail) on either database.
vi.mock(import('../../db/with-transaction.ts'), { spy: true });
const transaction = vi.mocked(withTransaction);

let test: TestApp;
let userId: string;
beforeEach(async () => {
  test = await buildTestApp();
  userId = (await signInNewUser(test)).userId;
  transaction.mockClear();
});
afterEach(async () => {
  await test.close();
});

const rowCount = async () =>
  ((await test.db.get<{ total: number }>(sql`select count(*) as total from usage_events`)) as { total: number }).total;

const eventAt = (createdAt: number, index = 0): UsageEventInput => ({
  createdAt: new Date(createdAt),
  userId,
  callerKind: 'api-key',
  apiKeyId: `key-${index % 3}`,
  appClientId: null,
  route: '/v1/chat/completions',
  feature: null,
  provider: 'openai',
  model: 'openai/gpt-4.1',
  inputTokens: index,
  cachedInputTokens: 0,
  outputTokens: 2 * index,
  reasoningTokens: 0,
  firstTokenMs: 1,
  durationMs: 2,
  status: 200,
  errorCode: null,
  fallbackFrom: null,
  isSubscription: false,
});

const nextTick = () => new Promise((resolve) => setImmediate(resolve));
const silentLog = { error: vi.fn() };

describe('issue 19: the usage ledger writer', () => {
  it('issue 19: record() only queues; many records become one transaction, written off the request turn', async () => {
    const ledger = new UsageLedger({ context: { db: test.db, now: Date.now }, log: silentLog });
    for (let index = 0; index < 450; index += 1) ledger.record(eventAt(Date.now(), index));
    // Nothing touched the database inside record(): the rows wait in the queue.
    expect(transaction).not.toHaveBeenCalled();
    expect(ledger.pendingRows).toBe(450);
    await nextTick();
    await vi.waitFor(async () => expect(await rowCount()).toBe(450), { timeout: 2000, interval: 10 });
    expect(transaction).toHaveBeenCalledTimes(1);
    await ledger.close();
  });

  it('issue 19: fewer rows than a batch are written by the timer, within the interval', async () => {
    const ledger = new UsageLedger({
      context: { db: test.db, now: Date.now },
      log: silentLog,
      settings: { flushIntervalMs: 20 },
    });
    for (let index = 0; index < 30; index += 1) ledger.record(eventAt(Date.now(), index));
    await nextTick();
    // Still queued: the timer has not fired.
    expect(ledger.pendingRows).toBe(30);
    await vi.waitFor(async () => expect(await rowCount()).toBe(30), { timeout: 2000, interval: 10 });
    expect(transaction).toHaveBeenCalledTimes(1);
    await ledger.close();
  });

  it('issue 19: a failed write is logged and kept (bounded) for the next flush; close() writes the rest', async () => {
    const log = { error: vi.fn() };
    const ledger = new UsageLedger({
      context: { db: test.db, now: Date.now },
      log,
      settings: { flushIntervalMs: 60_000, maxPendingRows: 5 },
    });
    transaction.mockImplementationOnce(async () => {
      throw new Error('database is locked');
    });
    for (let index = 0; index < 8; index += 1) ledger.record(eventAt(Date.now(), index));
    await expect(ledger.flush()).resolves.toBeUndefined();
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0]?.[0]).toMatchObject({ rows: 8, dropped: 3 });
    expect(ledger.pendingRows).toBe(5);
    await ledger.close();
    expect(transaction).toHaveBeenCalledTimes(2);
    // The newest rows were kept: inputs 3 … 7.
    const kept = await test.db.all(sql`select input_tokens from usage_events order by input_tokens`);
    expect(kept).toEqual([3, 4, 5, 6, 7].map((input) => ({ input_tokens: input })));
  });

  it('issue 21: close() waits for the write under way, then writes the rows recorded meanwhile', async () => {
    const ledger = new UsageLedger({
      context: { db: test.db, now: Date.now },
      log: silentLog,
      settings: { flushIntervalMs: 60_000 },
    });
    for (let index = 0; index < 3; index += 1) ledger.record(eventAt(Date.now(), index));
    const underWay = ledger.flush();
    // The write has taken the queue (and, on PostgreSQL, still waits for the database): this row is the next write's.
    await vi.waitFor(() => expect(ledger.pendingRows).toBe(0), { timeout: 2000, interval: 1 });
    ledger.record(eventAt(Date.now(), 3));
    await ledger.close();
    // Both writes are done when close() returns: the database may be closed next.
    expect(await rowCount()).toBe(4);
    expect(transaction).toHaveBeenCalledTimes(2);
    await underWay;
  });

  it('issue 19: the cleanup scheduler deletes rows older than the retention time and keeps the rest', async () => {
    const ledger = new UsageLedger({ context: { db: test.db, now: Date.now }, log: silentLog });
    const day = 24 * 60 * 60_000;
    const now = Date.now();
    ledger.record(eventAt(now - 91 * day));
    ledger.record(eventAt(now - 89 * day));
    ledger.record(eventAt(now));
    await ledger.close();
    const task = expiredUsageEventsTask(test.config.usageRetentionMs);
    expect(test.config.usageRetentionMs).toBe(90 * day);
    expect(await deleteExpiredRows({ db: test.db, now: () => now }, [task])).toEqual({ 'usage-events': 1 });
    expect(await rowCount()).toBe(2);
    expect(await deleteExpiredRows({ db: test.db, now: () => now + 2 * day }, [task])).toEqual({ 'usage-events': 1 });
    expect(await rowCount()).toBe(1);
  });
});
