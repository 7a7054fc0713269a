import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { users } from '../../db/schema.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { createUser } from './create-user.ts';
import { setUserRole } from './set-user-role.ts';

// Issue 21: the checks "no user yet", "the email is free" and "another admin is left" read, then write. Requests
// interleave at every await, and on PostgreSQL other replicas write too, so concurrent changes must still leave
// exactly one first admin and never no admin (lock-users.ts). Run on SQLite and, with GATEWAY_TEST_POSTGRES_URL, on
// PostgreSQL, where read committed would let both through without the lock.

const PASSWORD = 'a long enough password';

let db: GatewayDatabase;
let context: DomainContext;
beforeEach(async () => {
  db = await openTestDatabase();
  context = { db, now: Date.now };
});
afterEach(async () => {
  await db.$close();
});

/** The error codes of the rejected outcomes, and how many were fulfilled. */
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
    expect(await countUsers(eq(users.isAdmin, true))).toBe(1);
  });

  it('issue 21: creating one email twice at once makes one user and a conflict, not a database error', async () => {
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map(() => createUser(context, { email: 'same@home.test', password: PASSWORD, isAdmin: false })),
    );
    expect(tally(outcomes)).toEqual({ fulfilled: 1, codes: ['conflict', 'conflict'] });
    expect(await countUsers()).toBe(1);
  });

  it('issue 21: two admins demoting each other at once leave one admin', async () => {
    const first = await createUser(context, { email: 'first@home.test', password: PASSWORD, isAdmin: true });
    const second = await createUser(context, { email: 'second@home.test', password: PASSWORD, isAdmin: true });
    const outcomes = await Promise.allSettled([
      setUserRole(context, { userId: first.id, isAdmin: false, actorUserId: second.id }),
      setUserRole(context, { userId: second.id, isAdmin: false, actorUserId: first.id }),
    ]);
    expect(tally(outcomes)).toEqual({ fulfilled: 1, codes: ['conflict'] });
    expect(await countUsers(eq(users.isAdmin, true))).toBe(1);
  });
});
