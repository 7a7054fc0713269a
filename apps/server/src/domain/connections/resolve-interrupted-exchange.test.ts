import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signInFlows } from '../../db/schema.ts';
import { buildTestApp, type TestApp } from '../../test/build-test-app.ts';
import { createUser } from '../accounts/create-user.ts';
import { findSignInFlow } from './find-sign-in-flow.ts';
import { type RefreshLeaseOwner, serializeLeaseOwner, thisProcessAsLeaseOwner } from './refresh-lease-owner.ts';
import { INTERRUPTED_EXCHANGE_REASON } from './resolve-interrupted-exchange.ts';
import { resumeSignInsAfterRestart } from './resume-sign-ins-after-restart.ts';

// Issue 16: a process killed while it traded a sign-in's code for tokens left the flow `exchanging` for good — not
// cancellable, never finished. (test/crash-restart-matrix.test.ts does it with real processes.)

let test: TestApp;
let userId: string;
beforeEach(async () => {
  test = await buildTestApp();
  userId = (await createUser(test.connections, { email: 'owner@example.com', password: 'x'.repeat(12), isAdmin: true }))
    .id;
});
afterEach(async () => {
  await test.close();
});

/** A process of this machine that has exited. */
async function deadProcessOwner(): Promise<RefreshLeaseOwner> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return { ...thisProcessAsLeaseOwner(), instance: 'killed-process', pid: child.pid as number, startTime: null };
}

async function insertFlow(options: {
  status: 'pending' | 'exchanging';
  owner: RefreshLeaseOwner | null;
  method?: 'device';
}) {
  const id = randomUUID();
  const now = test.connections.now();
  await test.db.insert(signInFlows).values({
    id,
    userId,
    provider: 'chatgpt',
    method: options.method ?? 'device',
    status: options.status,
    exchangeOwner: options.owner == null ? null : serializeLeaseOwner(options.owner, id),
    userCode: 'ABCD-EFGH',
    pollIntervalSeconds: 5,
    createdAt: new Date(now),
    expiresAt: new Date(now + 15 * 60_000),
  });
  return id;
}

const read = (flowId: string) => findSignInFlow(test.connections, { userId, flowId });

describe('a sign-in whose code exchange died with its process', () => {
  it('issue 16: should be failed with the reason once its owner is gone, and stay failed', async () => {
    const flowId = await insertFlow({ status: 'exchanging', owner: await deadProcessOwner() });
    expect(await read(flowId)).toMatchObject({
      status: 'failed',
      failureReason: INTERRUPTED_EXCHANGE_REASON,
      exchangeOwner: null,
    });
    expect(await read(flowId)).toMatchObject({ status: 'failed', finishedAt: expect.any(Date) });
  });

  it('should leave an exchange of a live process alone', async () => {
    const flowId = await insertFlow({ status: 'exchanging', owner: thisProcessAsLeaseOwner() });
    expect(await read(flowId)).toMatchObject({ status: 'exchanging' });
  });

  it('issue 16: should give up on an exchange whose process it cannot see an hour after the flow expired', async () => {
    const unseen = { ...thisProcessAsLeaseOwner(), instance: 'elsewhere', host: 'another-host' };
    const flowId = await insertFlow({ status: 'exchanging', owner: unseen });
    const ownerless = await insertFlow({ status: 'exchanging', owner: null });
    test.advanceTime(15 * 60_000 + 59 * 60_000);
    expect([(await read(flowId)).status, (await read(ownerless)).status]).toEqual(['exchanging', 'exchanging']);
    test.advanceTime(2 * 60_000);
    expect([(await read(flowId)).status, (await read(ownerless)).status]).toEqual(['failed', 'failed']);
  });

  it('issue 16: at startup, should resolve dead exchanges and poll the device flows still waiting for approval', async () => {
    const dead = await insertFlow({ status: 'exchanging', owner: await deadProcessOwner() });
    const waiting = await insertFlow({ status: 'pending', owner: null });
    const started: string[] = [];
    await resumeSignInsAfterRestart(test.connections, { start: (flowId) => started.push(flowId) });
    expect(started).toEqual([waiting]);
    expect(
      await test.db.select({ status: signInFlows.status }).from(signInFlows).where(eq(signInFlows.id, dead)),
    ).toEqual([{ status: 'failed' }]);
  });
});
