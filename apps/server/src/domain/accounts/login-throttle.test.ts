import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import { expiredSignInFailuresTask, LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  let db: GatewayDatabase;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.$close();
  });

  it('should lock an account after the maximum failures until the window passes', async () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ db, maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await throttle.retryAfterSeconds('a@example.com')).toBeNull();
      await throttle.recordFailure('a@example.com');
      now += 1_000;
    }
    expect(await throttle.retryAfterSeconds('a@example.com')).toBe(57);
    expect(await throttle.retryAfterSeconds('b@example.com')).toBeNull();
    now += 57_000;
    expect(await throttle.retryAfterSeconds('a@example.com')).toBeNull();
  });

  it('should forget failures after a success', async () => {
    const throttle = new LoginThrottle({ db, maxFailures: 2, windowMs: 60_000, now: () => 0 });
    await throttle.recordFailure('a@example.com');
    await throttle.recordSuccess('a@example.com');
    await throttle.recordFailure('a@example.com');
    expect(await throttle.retryAfterSeconds('a@example.com')).toBeNull();
  });

  it('should count failures recorded by another process on the same database (replicas)', async () => {
    let now = 2_000_000;
    const replicaA = new LoginThrottle({ db, maxFailures: 5, windowMs: 15 * 60_000, now: () => now });
    const replicaB = new LoginThrottle({ db, maxFailures: 5, windowMs: 15 * 60_000, now: () => now });
    for (let attempt = 0; attempt < 5; attempt++) {
      const replica = attempt % 2 === 0 ? replicaA : replicaB;
      expect(await replica.retryAfterSeconds('c@example.com')).toBeNull();
      await replica.recordFailure('c@example.com');
      now += 1_000;
    }
    expect(await replicaB.retryAfterSeconds('c@example.com')).toBe(15 * 60 - 5);
    now += 15 * 60_000;
    expect(await expiredSignInFailuresTask(15 * 60_000).run({ db, now: () => now })).toBe(5);
  });
});
