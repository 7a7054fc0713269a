import { count, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { users } from '../../db/schema.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { createApiKey, MAX_API_KEYS_PER_USER } from './create-api-key.ts';
import { createUser } from './create-user.ts';
import { setUserRole } from './set-user-role.ts';

// Issue 21: the checks "no user yet", "the email is free" and "another admin is left" read, then write. Requests
// interleave at every await, and on PostgreSQL other replicas write too, so concurrent changes must still leave
// exactly one first admin and never no admin (lock-users.ts). Run on SQLite and, with GATEWAY_TEST_POSTGRES_URL, on
// PostgreSQL, where read committed lets both through without the lock.

vi.mock('./hash-password.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./hash-password.ts')>()),
  // scrypt runs in the thread pool and would spread the creations out in time, one transaction long over before
  // the next begins; without it their transactions run at the same time, which is the race under test.
  hashPassword: async () => 'scrypt$not-checked-here',
}));

const PASSWORD = 'a long enough password';
/** A race is won or lost by timing: each is run a few times. */
const ROUNDS = 5;

let db: GatewayDatabase;
let context: DomainContext;
beforeEach(async () => {
  db = await openTestDatabase();
  context = { db, now: Date.now };
  // Every connection of the pool opened beforehand: else the first transaction would be over before the next one
  // had connected, and nothing would run at the same time.
  if (db.$dialect === 'postgres') await Promise.all([1, 2, 3, 4].map(() => db.run(sql`select pg_sleep(0.05)`)));
});
afterEach(async () => {
  await db.$close();
});

/** How many of the outcomes were fulfilled, and the error codes of the others. */
function tally(outcomes: PromiseSettledResult<unknown>[]) {
  const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
  const codes = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected'
      ? [outcome.reason instanceof GatewayError ? outcome.reason.code : outcome.reason]
      : [],
  );
  return { fulfilled, codes };
}

async function countUsers(where?: ReturnType<typeof eq>): Promise<number> {
  const [row] = await db.select({ total: count() }).from(users).where(where);
  return row?.total ?? 0;
}

describe('issue 21: concurrent changes of the users', () => {
  it('issue 21: setups at once make exactly one first admin; the others are told setup is complete', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const outcomes = await Promise.allSettled(
        ['a', 'b', 'c', 'd'].map((name) =>
          createUser(context, { email: `${name}@home.test`, password: PASSWORD, isAdmin: true, onlyIfFirst: true }),
        ),
      );
      expect(tally(outcomes)).toEqual({
        fulfilled: 1,
        codes: ['setup_unavailable', 'setup_unavailable', 'setup_unavailable'],
      });
      expect(await countUsers()).toBe(1);
      await db.delete(users);
    }
  });

  it('issue 21: creating one email several times at once makes one user and conflicts, not a database error', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const outcomes = await Promise.allSettled(
        [1, 2, 3].map(() => createUser(context, { email: 'same@home.test', password: PASSWORD, isAdmin: false })),
      );
      expect(tally(outcomes)).toEqual({ fulfilled: 1, codes: ['conflict', 'conflict'] });
      expect(await countUsers()).toBe(1);
      await db.delete(users);
    }
  });

  it('issue 21: two admins demoting each other at once leave one admin', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const first = await createUser(context, { email: 'first@home.test', password: PASSWORD, isAdmin: true });
      const second = await createUser(context, { email: 'second@home.test', password: PASSWORD, isAdmin: true });
      const outcomes = await Promise.allSettled([
        setUserRole(context, { userId: first.id, isAdmin: false, actorUserId: second.id }),
        setUserRole(context, { userId: second.id, isAdmin: false, actorUserId: first.id }),
      ]);
      expect(tally(outcomes)).toEqual({ fulfilled: 1, codes: ['conflict'] });
      expect(await countUsers(eq(users.isAdmin, true))).toBe(1);
      await db.delete(users);
    }
  });

  it('issue 21: API keys created at once stop at the per-user limit', async () => {
    const user = await createUser(context, { email: 'keys@home.test', password: PASSWORD, isAdmin: false });
    for (let index = 1; index < MAX_API_KEYS_PER_USER; index++) {
      await createApiKey(context, { userId: user.id, name: `key ${index}` });
    }
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((index) => createApiKey(context, { userId: user.id, name: `last ${index}` })),
    );
    expect(tally(outcomes)).toEqual({ fulfilled: 1, codes: ['conflict', 'conflict'] });
  });
});
