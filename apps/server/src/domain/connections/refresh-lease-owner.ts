import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * The process holding a connection's refresh lease, as stored in `connections.refresh_lease_owner`. It says enough
 * for another process on the same machine to tell whether the holder is still alive: its pid, and what makes a pid
 * comparable (the host, the pid namespace and boot) and unambiguous (the process's start time, so a recycled pid is
 * not mistaken for the holder). A process elsewhere cannot see it, and waits for the lease's short TTL instead.
 */
export type RefreshLeaseOwner = {
  /** Random per process: tells this process apart from an earlier one that had the same pid (a restarted container). */
  instance: string;
  pid: number;
  host: string;
  /** Linux: boot id and pid namespace; pids are only comparable within one. Null where /proc is absent. */
  pidSpace: string | null;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22); null elsewhere. */
  startTime: string | null;
};

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function readPidSpace(): string | null {
  const bootId = readText('/proc/sys/kernel/random/boot_id');
  if (bootId == null) return null;
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid');
  } catch {}
  return `${bootId}/${namespace}`;
}

/** State and start time of a process from /proc/<pid>/stat; null where that cannot be read. */
function readProcessStat(pid: number | 'self'): { state: string; startTime: string } | null {
  const text = readText(`/proc/${pid}/stat`);
  if (text == null) return null;
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state == null || startTime == null ? null : { state, startTime };
}

let thisProcess: RefreshLeaseOwner | undefined;

/** This process as a lease owner; the same value for the whole life of the process. */
export function thisProcessAsLeaseOwner(): RefreshLeaseOwner {
  thisProcess ??= {
    instance: randomUUID(),
    pid: process.pid,
    host: hostname(),
    pidSpace: readPidSpace(),
    startTime: readProcessStat('self')?.startTime ?? null,
  };
  return thisProcess;
}

/**
 * The stored form: JSON, compared as text by the writes that renew, release or take over a lease. `leaseId` is new
 * for every acquisition, so those writes never touch a later lease of the same process.
 */
export function serializeLeaseOwner(owner: RefreshLeaseOwner, leaseId: string): string {
  return JSON.stringify({
    instance: owner.instance,
    pid: owner.pid,
    host: owner.host,
    pidSpace: owner.pidSpace,
    startTime: owner.startTime,
    lease: leaseId,
  });
}

/** The owner a row names, or null for a lease without one (written by an older version) or an unreadable one. */
export function parseLeaseOwner(text: string | null): RefreshLeaseOwner | null {
  if (text == null) return null;
  try {
    const value = JSON.parse(text) as Partial<RefreshLeaseOwner>;
    if (typeof value.instance !== 'string' || !Number.isSafeInteger(value.pid) || typeof value.host !== 'string') {
      return null;
    }
    return {
      instance: value.instance,
      pid: value.pid as number,
      host: value.host,
      pidSpace: typeof value.pidSpace === 'string' ? value.pidSpace : null,
      startTime: typeof value.startTime === 'string' ? value.startTime : null,
    };
  } catch {
    return null;
  }
}

/**
 * Whether the lease's owner is known to be gone, so its lease can be taken over at once. False when it is alive or
 * when this process cannot tell (another machine, another pid namespace): then only the lease's TTL, which the
 * owner's heartbeat keeps pushing forward while it lives, frees the lease.
 */
export function isLeaseOwnerGone(owner: RefreshLeaseOwner, self: RefreshLeaseOwner = thisProcessAsLeaseOwner()) {
  if (owner.instance === self.instance) return false;
  if (owner.host !== self.host || owner.pidSpace !== self.pidSpace) return false;
  // Our own pid under another instance: an earlier process with this pid (a restarted container's pid 1) is dead.
  if (owner.pid === self.pid) return true;
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    // Signal 0 checks existence only (kill(2)); pid <= 0 would address process groups, excluded above.
    process.kill(owner.pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return true;
    // EPERM: a process with that pid exists and belongs to someone else; fall through to the start time.
    if (code !== 'EPERM') return false;
  }
  const stat = readProcessStat(owner.pid);
  if (stat == null) return false;
  // A zombie has exited and only waits for its parent to collect it; another start time is a recycled pid.
  return stat.state === 'Z' || (owner.startTime != null && stat.startTime !== owner.startTime);
}
