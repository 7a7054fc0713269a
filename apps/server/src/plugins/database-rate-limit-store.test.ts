import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../db/open-database.ts';
import { openTestDatabase } from '../test/open-test-database.ts';
import { databaseRateLimitStore } from './database-rate-limit-store.ts';

describe('databaseRateLimitStore', () => {
  let db: GatewayDatabase;
  let time = 5_000_000;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.$close();
  });

  const storeFor = (url: string) => {
    const Store = databaseRateLimitStore({ db, now: () => time });
    return new Store({}).child({ routeInfo: { method: 'POST', url }, path: url, prefix: '' } as never);
  };
  const incr = (store: ReturnType<typeof storeFor>, key: string) =>
    new Promise<{ current: number; ttl: number }>((resolve, reject) =>
      store.incr(
        key,
        (error, result) => (error == null && result != null ? resolve(result) : reject(error)),
        60_000,
        5,
      ),
    );

  it('counts attempts per route and key in a fixed window, then starts a new window', async () => {
    const signIn = storeFor('/api/auth/sign-in');
    expect(await incr(signIn, '10.0.0.1')).toEqual({ current: 1, ttl: 60_000 });
    time += 10_000;
    expect(await incr(signIn, '10.0.0.1')).toEqual({ current: 2, ttl: 50_000 });
    expect(await incr(signIn, '10.0.0.2')).toEqual({ current: 1, ttl: 60_000 });
    expect(await incr(storeFor('/api/setup'), '10.0.0.1')).toEqual({ current: 1, ttl: 60_000 });
    time += 50_000;
    expect(await incr(signIn, '10.0.0.1')).toEqual({ current: 1, ttl: 60_000 });
  });

  it('loses no count under concurrent attempts (one upsert each)', async () => {
    const signIn = storeFor('/api/auth/sign-in');
    const results = await Promise.all(Array.from({ length: 25 }, () => incr(signIn, '10.0.0.9')));
    expect(results.map((result) => result.current).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, index) => index + 1),
    );
  });

  it('shares counts between two stores on one database (two replicas)', async () => {
    const replicaA = storeFor('/api/auth/sign-in');
    const replicaB = storeFor('/api/auth/sign-in');
    await incr(replicaA, '10.0.0.3');
    await incr(replicaB, '10.0.0.3');
    expect((await incr(replicaA, '10.0.0.3')).current).toBe(3);
  });
});
