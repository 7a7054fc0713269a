import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { rateLimitCounters } from '../../db/schema.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import { expiredSharedStateTask } from './expired-shared-state-task.ts';
import { acquireLease, releaseLease } from './lease.ts';

describe('acquireLease', () => {
  let db: GatewayDatabase;
  let time = 1_000_000;
  const context = () => ({ db, now: () => time });
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.$close();
  });

  it('gives a free lease to the first owner and refuses another until it expires', async () => {
    expect(await acquireLease(context(), { name: 'cleanup', owner: 'a', ttlMs: 1000 })).toBe(true);
    expect(await acquireLease(context(), { name: 'cleanup', owner: 'b', ttlMs: 1000 })).toBe(false);
    time += 999;
    expect(await acquireLease(context(), { name: 'cleanup', owner: 'b', ttlMs: 1000 })).toBe(false);
    time += 1;
    expect(await acquireLease(context(), { name: 'cleanup', owner: 'b', ttlMs: 1000 })).toBe(true);
    expect(await acquireLease(context(), { name: 'cleanup', owner: 'a', ttlMs: 1000 })).toBe(false);
  });

  it('lets the holder renew, and frees the lease when the holder releases it', async () => {
    expect(await acquireLease(context(), { name: 'poll:1', owner: 'a', ttlMs: 1000 })).toBe(true);
    time += 900;
    expect(await acquireLease(context(), { name: 'poll:1', owner: 'a', ttlMs: 1000 })).toBe(true);
    time += 900;
    // Renewed at +900, so still held at +1800.
    expect(await acquireLease(context(), { name: 'poll:1', owner: 'b', ttlMs: 1000 })).toBe(false);
    await releaseLease(context(), { name: 'poll:1', owner: 'b' });
    expect(await acquireLease(context(), { name: 'poll:1', owner: 'b', ttlMs: 1000 })).toBe(false);
    await releaseLease(context(), { name: 'poll:1', owner: 'a' });
    expect(await acquireLease(context(), { name: 'poll:1', owner: 'b', ttlMs: 1000 })).toBe(true);
  });

  it('gives a contested lease to exactly one of many owners asking at once', async () => {
    const owners = Array.from({ length: 20 }, (_, index) => `owner-${index}`);
    const won = await Promise.all(
      owners.map((owner) => acquireLease(context(), { name: 'contested', owner, ttlMs: 60_000 })),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('is purged by the shared-state cleanup an hour after it expired, with old rate-limit windows', async () => {
    await acquireLease(context(), { name: 'old', owner: 'a', ttlMs: 1000 });
    await db.insert(rateLimitCounters).values({ key: 'POST /x 1', count: 3, windowStartedAt: new Date(time) });
    time += 1000 + 60 * 60_000 - 1;
    expect(await expiredSharedStateTask().run(context())).toBe(0);
    time += 24 * 60 * 60_000;
    expect(await expiredSharedStateTask().run(context())).toBe(2);
  });
});
