import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isLeaseOwnerGone,
  parseLeaseOwner,
  type RefreshLeaseOwner,
  serializeLeaseOwner,
  thisProcessAsLeaseOwner,
} from './refresh-lease-owner.ts';

/** Another process on this machine, as a lease owner; `stop()` ends it and waits until it is reaped. */
async function startOtherProcess(): Promise<{ owner: RefreshLeaseOwner; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const self = thisProcessAsLeaseOwner();
  // Its start time as /proc shows it (field 22), which the gateway records for itself the same way.
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  return {
    owner: { ...self, instance: 'other-process', pid: child.pid as number, startTime },
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('refresh lease owner', () => {
  it('should round-trip through its stored form and refuse what is not an owner', () => {
    const self = thisProcessAsLeaseOwner();
    expect(parseLeaseOwner(serializeLeaseOwner(self, 'lease-1'))).toEqual(self);
    expect(parseLeaseOwner(null)).toBeNull();
    expect(parseLeaseOwner('not json')).toBeNull();
    expect(parseLeaseOwner('{"pid":"12"}')).toBeNull();
  });

  it('issue 16: should see a dead process on this machine as gone, and a live one as alive', async () => {
    const other = await startOtherProcess();
    expect(isLeaseOwnerGone(other.owner)).toBe(false);
    await other.stop();
    expect(isLeaseOwnerGone(other.owner)).toBe(true);
  });

  it('issue 16: should see an earlier process with our own pid (a restarted container) as gone', () => {
    const self = thisProcessAsLeaseOwner();
    expect(isLeaseOwnerGone({ ...self, instance: 'before-the-restart' })).toBe(true);
    expect(isLeaseOwnerGone(self)).toBe(false);
  });

  it('issue 16: should see a recycled pid (a live process with another start time) as gone', async () => {
    const other = await startOtherProcess();
    try {
      expect(isLeaseOwnerGone({ ...other.owner, startTime: '1' })).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it('should not judge an owner it cannot see: another host or another pid namespace', async () => {
    const other = await startOtherProcess();
    await other.stop();
    // Dead here, but the pid means nothing across machines or namespaces: only the lease's TTL can free it.
    expect(isLeaseOwnerGone({ ...other.owner, host: 'another-machine' })).toBe(false);
    expect(isLeaseOwnerGone({ ...other.owner, pidSpace: 'another-namespace' })).toBe(false);
  });
});
