import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeOpenAiAuth, startFakeOpenAiAuth } from '@pag/testkit';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connections } from '../../db/schema.ts';
import type { TestApp } from '../../test/build-test-app.ts';
import { findRefreshRequests } from '../../test/find-refresh-requests.ts';
import { waitFor } from '../../test/run-process.ts';
import { seedChatgptConnection } from '../../test/seed-chatgpt-connection.ts';
import { useTestAppWithFake } from '../../test/use-test-app-with-fake.ts';
import { listConnections } from '../connection-list/list-connections.ts';
import { GatewayError } from '../gateway-error.ts';
import { ChatgptTokenManager } from './chatgpt-token-manager.ts';
import { type RefreshLeaseOwner, serializeLeaseOwner, thisProcessAsLeaseOwner } from './refresh-lease-owner.ts';

// Issue 16 failure 2: a process killed in the middle of a refresh left its lease on the row, and every other
// process waited the full 30 s for it. The lease now names its owner and lives a few seconds past its last
// heartbeat; these tests drive the token manager against leases such owners leave behind.

let fake: FakeOpenAiAuth;
let test: TestApp;
useTestAppWithFake(
  startFakeOpenAiAuth,
  (started) => ({ GATEWAY_OPENAI_AUTH_URL: started.url }),
  (started) => ({ fake, test } = started),
);

const refreshRequests = () => findRefreshRequests(fake);

type LeaseColumns = { until: number | null; owner: string | null; interruptedAt: number | null };

async function readLease(connectionId: string): Promise<LeaseColumns> {
  const [row] = await test.db
    .select({
      until: connections.refreshLeaseUntil,
      owner: connections.refreshLeaseOwner,
      interruptedAt: connections.refreshInterruptedAt,
    })
    .from(connections)
    .where(eq(connections.id, connectionId));
  if (row == null) throw new Error(`no connection ${connectionId}`);
  return { until: row.until?.getTime() ?? null, owner: row.owner, interruptedAt: row.interruptedAt?.getTime() ?? null };
}

/** Leaves a lease on the row as a process in the middle of a refresh holds it. */
async function holdLease(connectionId: string, owner: RefreshLeaseOwner, forMs: number): Promise<void> {
  await test.db
    .update(connections)
    .set({
      refreshLeaseUntil: new Date(test.connections.now() + forMs),
      refreshLeaseOwner: serializeLeaseOwner(owner, 'held-by-the-test'),
    })
    .where(eq(connections.id, connectionId));
}

/** A process of this machine that has exited: what a `kill -9` during a refresh leaves behind. */
async function deadProcessOwner(): Promise<RefreshLeaseOwner> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return { ...thisProcessAsLeaseOwner(), instance: 'killed-process', pid: child.pid as number, startTime: null };
}

/** Spends the refresh token at the fake, as a refresh whose answer never reached us would have. */
async function spendRefreshToken(refreshToken: string): Promise<void> {
  const response = await fetch(`${fake.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
    }),
  });
  expect(response.status).toBe(200);
}

async function rejectionOf(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('refresh lease after a crash', () => {
  it('issue 16: should take over at once the lease of a process on this machine that died mid-refresh', async () => {
    const { user, connection, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    // As the killed process held it: 30 s ahead, as long as the old lease ran.
    await holdLease(connection.id, await deadProcessOwner(), 30_000);

    const token = await new ChatgptTokenManager(test.connections).getAccessToken(user.id);

    expect(token.accessToken).not.toBe(tokens.accessToken);
    expect(refreshRequests()).toHaveLength(1);
    // The outcome of the dead refresh is settled: the row is free and carries no mark of it.
    expect(await readLease(connection.id)).toEqual({ until: null, owner: null, interruptedAt: null });
  }, 10_000);

  it('issue 16: should say our own interrupted refresh spent the refresh token, not another program', async () => {
    const { user, connection, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    // The killed process's refresh reached auth.openai.com, which rotated the token; the answer was lost with it.
    await spendRefreshToken(tokens.refreshToken);
    await holdLease(connection.id, await deadProcessOwner(), 30_000);

    const error = await rejectionOf(new ChatgptTokenManager(test.connections).getAccessToken(user.id));

    expect(error.code).toBe('reconnect_required');
    expect(error.message).toMatch(/stopped \(a crash or a restart\) in the middle of refreshing/);
    expect(error.message).not.toMatch(/another program/);
    expect((await listConnections(test.connections, user.id))[0]).toMatchObject({
      state: 'reconnect_required',
      stateReason: 'refresh_interrupted',
    });
    // One careful attempt, never repeated.
    await rejectionOf(new ChatgptTokenManager(test.connections).getAccessToken(user.id));
    expect(refreshRequests()).toHaveLength(2);
  }, 10_000);

  it('issue 16: should still blame another program when the token was spent without a refresh of ours dying', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    await spendRefreshToken(tokens.refreshToken);

    const error = await rejectionOf(new ChatgptTokenManager(test.connections).getAccessToken(user.id));

    expect(error.code).toBe('reconnect_required');
    expect(error.message).toMatch(/already used by another program/);
    expect((await listConnections(test.connections, user.id))[0]?.stateReason).toBe('refresh_token_reused');
  });

  it('issue 16: should wait for an owner it cannot see until its lease lapses, then refresh once', async () => {
    const { user, connection, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    const elsewhere = { ...thisProcessAsLeaseOwner(), instance: 'on-another-machine', host: 'another-machine' };
    await holdLease(connection.id, elsewhere, 5_000);

    let isSettled = false;
    const pending = new ChatgptTokenManager(test.connections).getAccessToken(user.id).finally(() => {
      isSettled = true;
    });
    // Nothing can be awaited for "still waiting": give it a few of its 50 ms looks at the row.
    await sleep(300);
    expect(isSettled).toBe(false);
    expect(refreshRequests()).toHaveLength(0);
    // No heartbeat moves the lease on: once its TTL has passed, the owner is taken for dead.
    test.advanceTime(5_000);
    const token = await pending;

    expect(token.accessToken).not.toBe(tokens.accessToken);
    expect(refreshRequests()).toHaveLength(1);
    expect(await readLease(connection.id)).toEqual({ until: null, owner: null, interruptedAt: null });
  }, 10_000);

  it("issue 16: should keep a live owner's lease past its TTL by heartbeats, so a second process waits for it", async () => {
    const { user, connection } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'delay', ms: 2_000 } });
    const first = new ChatgptTokenManager(test.connections).getAccessToken(user.id);
    await waitFor(() => (refreshRequests().length === 1 ? true : null), 5_000);
    const taken = await readLease(connection.id);
    expect(taken.owner).toContain(`"pid":${process.pid}`);

    // Past the TTL the lease was taken with; only a heartbeat (on this clock) keeps it.
    test.advanceTime(6_000);
    await waitFor(
      async () => (((await readLease(connection.id)).until ?? 0) > (taken.until ?? 0) + 6_000 ? true : null),
      5_000,
    );
    const second = new ChatgptTokenManager(test.connections).getAccessToken(user.id);
    const [a, b] = await Promise.all([first, second]);

    expect(b.accessToken).toBe(a.accessToken);
    expect(refreshRequests()).toHaveLength(1);
  }, 10_000);
});
