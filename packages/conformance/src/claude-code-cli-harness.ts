import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The version pinned in package.json; the test names it so a bump shows up in the log. */
export const CLAUDE_CODE_VERSION = '2.1.328';

/**
 * The native binary of the platform package beside `@anthropic-ai/claude-code`. Its postinstall (skipped, see
 * pnpm-workspace.yaml) would only copy this file over a placeholder; starting it directly also means the SIGKILL of a
 * timed-out run reaches the CLI itself, not a Node launcher that would leave it running (docs/claude-code.md §5).
 */
export function resolveClaudeCodeBinary(): string {
  const key = `${process.platform}-${process.arch}`;
  if (!['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'].includes(key)) {
    throw new Error(`no Claude Code platform package for ${key} in this harness`);
  }
  const wrapper = createRequire(import.meta.url).resolve('@anthropic-ai/claude-code/package.json');
  const manifest = createRequire(wrapper).resolve(`@anthropic-ai/claude-code-${key}/package.json`);
  return path.join(path.dirname(manifest), 'claude');
}

export type RunClaudeCodeOptions = {
  /** Arguments after `claude`, e.g. `['-p', 'Say hello.']`. */
  args: readonly string[];
  /** `http://127.0.0.1:<port>` of the gateway; the CLI appends `/v1/messages`. */
  baseUrl: string;
  /** A gateway key (`gwk_…`), sent as `Authorization: Bearer`. */
  authToken: string;
  /** Working directory and HOME: a throwaway folder, so no settings or history from the machine are read. */
  home: string;
  /** Where every non-loopback request goes instead of the internet (`startEgressRecorder`). */
  proxyUrl: string;
  timeoutMs: number;
  /** The caller's PATH (only test files may read the environment); the Bash tool looks up commands on it. */
  path: string;
};

export type ClaudeCodeRun = {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
};

/**
 * Runs the real CLI with a scrubbed environment: the gateway as its API, every optional call home switched off
 * (docs/claude-code.md §3), anything left pointed at a refusing proxy, and a hard kill after `timeoutMs`.
 */
export function runClaudeCode(options: RunClaudeCodeOptions): Promise<ClaudeCodeRun> {
  const started = Date.now();
  const child = spawn(resolveClaudeCodeBinary(), [...options.args], {
    cwd: options.home,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: options.path,
      HOME: options.home,
      CLAUDE_CONFIG_DIR: path.join(options.home, '.claude'),
      ANTHROPIC_BASE_URL: options.baseUrl,
      ANTHROPIC_AUTH_TOKEN: options.authToken,
      // Telemetry, error reports, the update check and the other start-up calls to anthropic.com.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_AUTOUPDATER: '1',
      HTTPS_PROXY: options.proxyUrl,
      HTTP_PROXY: options.proxyUrl,
      NO_PROXY: '127.0.0.1,localhost',
      NO_COLOR: '1',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // SIGKILL, not SIGTERM: a hung CLI must not hold the suite, and its state lives in a throwaway home.
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}
