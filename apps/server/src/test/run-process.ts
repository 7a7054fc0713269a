import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Node's compile cache (module.enableCompileCache in Node's docs) for the processes the tests start: the suites
 * start gateways and CLIs by the dozen, and each one after the first compiles a third less of the same modules.
 * Entries are keyed by the source's hash, so an edited file is compiled anew.
 */
export const COMPILE_CACHE_ENVIRONMENT = { NODE_COMPILE_CACHE: join(tmpdir(), 'pag-test-node-compile-cache') };

export type RunningProcess = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** Starts one of the server package's bin scripts as a real process with the given environment. */
export function startBin(options: {
  bin: 'gateway-server' | 'gateway';
  args?: string[];
  /** Node's own flags, before the script (e.g. `--import` of a test hook). */
  nodeArgs?: string[];
  env: Record<string, string>;
  cwd: string;
  /** Another file to run in the bin script's place (a server build's entry); `bin` still names what it is. */
  script?: string;
}): RunningProcess {
  const script = options.script ?? `${SERVER_DIR}bin/${options.bin}.mjs`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...COMPILE_CACHE_ENVIRONMENT, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Runs a CLI command to completion; stdin is written and closed. */
export async function runGatewayCli(options: {
  args: string[];
  env: Record<string, string>;
  cwd: string;
  stdin?: string;
}) {
  const running = startBin({ bin: 'gateway', args: options.args, env: options.env, cwd: options.cwd });
  let stdout = '';
  let stderr = '';
  running.child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  running.child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  running.child.stdin?.end(options.stdin ?? '');
  const code = await running.exited;
  return { code, stdout, stderr };
}

/** Polls until `check` returns a value, bounded in time. */
export async function waitFor<T>(
  check: () => T | null | undefined | Promise<T | null | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value != null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
