import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export type BenchProcess = {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** The last 64 KiB it printed (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects when the process exits or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
};

const OUTPUT_CAP = 64 * 1024;
const POLL_MS = 50;
const STOP_GRACE_MS = 5_000;

/**
 * Starts one process of the bench (gateway, Portkey, upstreams). Its stdout and stderr go straight to a log file —
 * not through a pipe into the runner, which is also the load generator and must not spend time on a server's logs.
 * Its stdin stays open as a pipe: the upstream process exits when it closes, so nothing outlives a dead runner.
 */
export function startProcess(options: {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): BenchProcess {
  const fd = openSync(options.logFile, 'w');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', fd, fd],
  });
  closeSync(fd);
  if (child.pid == null) throw new Error(`${options.name} did not start`);
  // A broken stdin pipe (the child exited) is not the runner's error.
  child.stdin?.on('error', () => {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const hasExited = () => child.exitCode != null || child.signalCode != null;
  const output = () => {
    try {
      return readFileSync(options.logFile, 'utf8').slice(-OUTPUT_CAP);
    } catch {
      return '';
    }
  };

  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    pid: child.pid,
    child,
    logFile: options.logFile,
    output,
    async waitFor(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = output();
        const match = pattern.exec(text);
        if (match != null) return match;
        if (hasExited()) {
          throw new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}):\n${text.slice(-3000)}`);
        }
        if (Date.now() > deadline) {
          throw new Error(`${options.name} did not print ${pattern} within ${timeoutMs} ms:\n${text.slice(-3000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    stop() {
      stopping ??= (async () => {
        if (hasExited()) return;
        child.stdin?.end();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** VmRSS of a process in KiB, from /proc (Linux); NaN where it cannot be read. */
export async function readRssKib(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match == null ? Number.NaN : Number(match[1]);
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; the peak and the samples' count come back. */
export function sampleRss(pid: number, intervalMs = 25): { stop(): Promise<{ peakKib: number; samples: number }> } {
  let peakKib = Number.NaN;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rss = await readRssKib(pid);
      if (Number.isFinite(rss)) {
        samples += 1;
        peakKib = Number.isFinite(peakKib) ? Math.max(peakKib, rss) : rss;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peakKib, samples };
    },
  };
}
