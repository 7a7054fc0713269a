import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, signInNewUser, type TestApp } from '../../test/build-test-app.ts';
import { expiredSignInFlowsTask } from '../connections/expired-sign-in-flows-task.ts';
import { startChatgptSignIn } from '../connections/start-chatgpt-sign-in.ts';
import { deleteExpiredRows, expiredSessionsTask } from './delete-expired-rows.ts';

let test: TestApp;
beforeEach(async () => {
  test = await buildTestApp();
});
afterEach(async () => {
  await test.close();
});

const count = (table: string) =>
  (test.db.$client.prepare(`select count(*) as total from ${table}`).get() as { total: number }).total;

describe('deleteExpiredRows', () => {
  it('should purge idle sessions and day-old sign-in flows, and keep live ones', async () => {
    const owner = await signInNewUser(test);
    await startChatgptSignIn(test.connections, {
      userId: owner.userId,
      method: 'paste',
      redirectUri: 'http://127.0.0.1:1455/auth/callback',
    });
    const tasks = [
      expiredSessionsTask({ idleMs: test.config.sessionIdleMs, maxMs: test.config.sessionMaxMs }),
      expiredSignInFlowsTask(),
    ];
    let now = Date.now();
    const context = { db: test.db, now: () => now };

    expect(await deleteExpiredRows(context, tasks)).toEqual({ sessions: 0, sign_in_flows: 0 });
    now += 10 * 60_000 + 1;
    // An expired flow is kept for a day so the UI can still show how it ended.
    expect(await deleteExpiredRows(context, tasks)).toEqual({ sessions: 0, sign_in_flows: 0 });
    now += 24 * 60 * 60_000;
    expect(await deleteExpiredRows(context, tasks)).toEqual({ sessions: 0, sign_in_flows: 1 });
    now += test.config.sessionIdleMs;
    expect(await deleteExpiredRows(context, tasks)).toEqual({ sessions: 1, sign_in_flows: 0 });
    expect(count('sessions')).toBe(0);
    expect(count('sign_in_flows')).toBe(0);
  });

  it('should report a failing task and still run the others', async () => {
    const result = await deleteExpiredRows({ db: test.db, now: Date.now }, [
      {
        name: 'broken',
        run: () => {
          throw new Error('boom');
        },
      },
      expiredSignInFlowsTask(),
    ]);
    expect(result.broken).toBeInstanceOf(Error);
    expect(result.sign_in_flows).toBe(0);
  });
});
