#!/usr/bin/env node
// The whole test suite in one command (`pnpm test:all`): static checks, the builds of the web UI and the example
// note app, every vitest project and the Playwright e2e suite in Debian's Chromium. Each runner writes a JSON
// report; this script adds them up and ends with one plain line `N passed, N failed` (CI does not read vitest's or
// Playwright's own summaries).
// Every step runs even when an earlier one failed, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin, startTestPostgres } from './start-test-postgres.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const reports = join(root, '.vitest-reports');
const playwrightReport = join(root, 'e2e', '.artifacts', 'results.json');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Re-use the pnpm that started us (npx-bootstrapped or global), so nothing else needs to be on PATH.
const pnpm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['pnpm'];

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function run(label, command, args, options = {}) {
  const started = Date.now();
  console.log(`\n=== ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`=== ${label}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`);
  if (!ok) problems.push(label);
  return ok;
}

function runPnpm(label, args) {
  return run(label, pnpm[0], [...pnpm.slice(1), ...args]);
}

function ensureChromium() {
  if (existsSync(chromium)) return true;
  console.log(`\n=== Chromium not found at ${chromium}: installing Debian's chromium package`);
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(isRoot ? [] : ['apt-get']), 'update'], {
    stdio: 'inherit',
    env,
  });
  const install = spawnSync(
    prefix[0] ?? 'apt-get',
    [...prefix.slice(1), ...(isRoot ? [] : ['apt-get']), 'install', '-y', 'chromium'],
    { stdio: 'inherit', env },
  );
  if (update.status === 0 && install.status === 0 && existsSync(chromium)) return true;
  problems.push(`Chromium is missing: run "sudo apt-get install chromium" or set CHROMIUM_PATH`);
  return false;
}

function ensurePostgres() {
  if (findPostgresBin() !== undefined) return true;
  console.log("\n=== PostgreSQL not found: installing Debian's postgresql package");
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'postgresql']]) {
    spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(isRoot ? [] : ['apt-get']), ...args], {
      stdio: 'inherit',
      env,
    });
  }
  if (findPostgresBin() !== undefined) return true;
  problems.push('PostgreSQL is missing: run "sudo apt-get install postgresql"');
  return false;
}

function countVitest(fileName = 'vitest.json', label = 'vitest') {
  const file = join(reports, fileName);
  if (!existsSync(file)) return problems.push(`${label} wrote no report`);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  // A test file that fails to load has no tests in it, so count it as a failure of its own.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  );
  totals.failed += brokenFiles.length;
  console.log(
    `${label}: ${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles.length} failed, ${report.numPendingTests} skipped`,
  );
}

function countPlaywright() {
  if (!existsSync(playwrightReport)) return problems.push('Playwright wrote no report');
  const { stats } = JSON.parse(readFileSync(playwrightReport, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  console.log(
    `playwright: ${stats.expected + stats.flaky} passed, ${stats.unexpected} failed, ${stats.skipped} skipped`,
  );
}

rmSync(reports, { recursive: true, force: true });
rmSync(playwrightReport, { force: true });
mkdirSync(reports, { recursive: true });

runPnpm('typecheck', ['-r', 'typecheck']);
runPnpm('lint', ['exec', 'biome', 'ci', '.']);
const built = runPnpm('build web UI', ['--filter', '@pag/web', 'build']);
// The server build (apps/server/dist), which bin/gateway-server.mjs runs while it is current: every test that starts
// a real server process (the suites below, Playwright, the benchmark's smoke test) then runs what an installation
// runs. Where it failed, they run the sources (and the failure counts).
runPnpm('build the server', ['--filter', '@pag/server', 'build']);
// The example note app the notes-example spec serves; `...` builds what it depends on first (the SDK), when that has
// a build step of its own.
const builtExample = runPnpm('build the example note app', ['--filter', '@pag/notes-example...', 'build']);
runPnpm('unit and integration tests (vitest)', [
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join(reports, 'vitest.json')}`,
]);
countVitest();
// The server's suites once more on PostgreSQL (docs/postgres.md §6): every test app gets a database of its own on a
// throwaway server, and the *.postgres.test.ts files (replicas on one database) run too; vitest.config.ts leaves out
// the suites whose subject is not the database (POSTGRES_RUN_SKIPS).
if (ensurePostgres()) {
  let server;
  try {
    server = await startTestPostgres();
  } catch (error) {
    problems.push(`PostgreSQL did not start: ${error.message}`);
  }
  if (server !== undefined) {
    try {
      run(
        'server integration tests on PostgreSQL (vitest)',
        pnpm[0],
        [
          ...pnpm.slice(1),
          'exec',
          'vitest',
          'run',
          '--project',
          'server',
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${join(reports, 'vitest-postgres.json')}`,
        ],
        { env: { ...process.env, GATEWAY_TEST_POSTGRES_URL: server.url } },
      );
    } finally {
      server.stop();
    }
    countVitest('vitest-postgres.json', 'vitest on PostgreSQL');
  }
}
// Tests whose assertions are upper bounds on wall time, and the benchmark's smoke test: left out of `pnpm test`,
// run here with retries (vitest.timing.config.ts), counted like the others.
runPnpm('timing-sensitive tests (tolerant)', [
  'exec',
  'vitest',
  'run',
  '--config',
  'vitest.timing.config.ts',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join(reports, 'timing.json')}`,
]);
countVitest('timing.json', 'timing');
// Conformance: the official Codex CLI (npm @openai/codex) must accept our fake auth.openai.com (refresh, revoke),
// the official Claude Code CLI (npm @anthropic-ai/claude-code) must run `claude -p` through the gateway's
// /v1/messages, and the official MCP conformance suite (`conformance authorization`) must pass against our OAuth server.
runPnpm('conformance: real Codex CLI, Claude Code CLI and MCP authorization suite', [
  'exec',
  'vitest',
  'run',
  '--root',
  'packages/conformance',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join(reports, 'conformance.json')}`,
]);
countVitest('conformance.json', 'conformance');
if (built && builtExample && ensureChromium()) {
  runPnpm('end-to-end tests (Playwright, Chromium)', ['--filter', '@pag/e2e', 'test']);
  countPlaywright();
} else {
  problems.push('end-to-end tests did not run');
}

console.log('');
for (const problem of problems) console.log(`problem: ${problem}`);
if (totals.skipped > 0) console.log(`skipped: ${totals.skipped}`);
// A step that failed outside any test (typecheck, lint, a crashed runner) still has to fail the run.
const failed = totals.failed + (problems.length > 0 && totals.failed === 0 ? problems.length : 0);
console.log(`${totals.passed} passed, ${failed} failed`);
process.exit(failed === 0 && problems.length === 0 ? 0 : 1);
