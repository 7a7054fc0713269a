import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from './support/write-results.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO_IDS = [
  'sequential-non-stream',
  'sequential-stream',
  'chunk-relay',
  'concurrent-streams',
  'codex-path',
  'note-app-api',
  'request-formats',
  'startup',
];
/** Issue 22's ten targets, one row per part. */
const TARGET_IDS = [
  '1',
  '2',
  '3',
  '4',
  '5a',
  '5b',
  '5c',
  '5d',
  '6a',
  '6b',
  '7a',
  '7b',
  '8a',
  '8b',
  '9a',
  '9b',
  '10a',
  '10b',
];

/** `pnpm bench --quick`, as a person runs it, into a temp dir; its exit code and output come back. */
async function runQuickBench(outDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['e2e/bench/run-bench.ts', '--quick', '--out', outDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), 80_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}

describe('pnpm bench --quick', () => {
  let outDir = '';
  afterAll(async () => {
    if (outDir !== '') await rm(outDir, { recursive: true, force: true });
  });

  it('should measure every scenario against the fake, the gateway, the bare relay and Portkey and write the report', async () => {
    outDir = await mkdtemp(join(tmpdir(), 'pag-bench-smoke-'));

    const { code, output } = await runQuickBench(outDir);

    expect(code, output.slice(-4000)).toBe(0);
    const report = JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')) as BenchReport;
    expect(report.mode).toBe('quick');
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.cpuModel).not.toBe('');
    expect(report.node).toBe(process.version);
    expect(report.commit.sha).toMatch(/^[0-9a-f]{40}$|^unknown$/);
    expect(report.portkey?.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(report.scenarios.map((scenario) => scenario.id)).toEqual(SCENARIO_IDS);
    for (const scenario of report.scenarios) expect(scenario.isTruncated, scenario.id).toBe(false);

    const byId = Object.fromEntries(report.scenarios.map((scenario) => [scenario.id, scenario]));
    // Every target answered every request, and the numbers are real latencies.
    for (const id of ['sequential-non-stream', 'sequential-stream', 'chunk-relay']) {
      const scenario = byId[id];
      // The framework floor (Fastify, processes/framework-relay.mjs) beside the others in the first only.
      const floors = id === 'sequential-non-stream' ? ['framework-relay'] : [];
      expect(Object.keys(scenario?.targets ?? {}), id).toEqual([
        'direct',
        'gateway',
        'bare-relay',
        'portkey',
        ...floors,
      ]);
      for (const [name, target] of Object.entries(scenario?.targets ?? {})) {
        expect(target.samples, `${id} ${name}`).toBe(scenario?.params.iterations);
        expect(target.errors, `${id} ${name}`).toBe(0);
      }
    }
    const sequential = byId['sequential-non-stream'];
    const gatewayLatency = sequential?.targets.gateway?.latencyMs as { n: number; p50: number; p99: number };
    expect(gatewayLatency.n).toBe(30);
    expect(gatewayLatency.p50).toBeGreaterThan(0);
    expect(gatewayLatency.p99).toBeGreaterThanOrEqual(gatewayLatency.p50);
    for (const key of [
      'gateway.overheadP50Ms',
      'gateway.overheadP99Ms',
      'portkey.overheadP50Ms',
      'gateway.overheadToPortkeyP50',
      'bare-relay.overheadP50Ms',
      'gateway.overheadAboveBareP50Ms',
      'framework-relay.overheadToBareP50',
      'gateway.overheadAboveFrameworkP50Ms',
      // The gateway's x-gateway-overhead-ms header was read on its answers.
      'gateway.selfReportedP50Ms',
    ]) {
      expect(Number.isFinite(sequential?.derived[key]), key).toBe(true);
    }
    // Each stamped chunk was seen through every relay.
    const relay = byId['chunk-relay'];
    for (const name of ['direct', 'gateway', 'bare-relay', 'portkey']) {
      expect(relay?.targets[name]?.chunksPerStream, name).toBe(10);
    }
    // Concurrency: both levels through every target, without errors, with the relays' memory sampled.
    const concurrent = byId['concurrent-streams'];
    expect(Object.keys(concurrent?.targets ?? {}).sort()).toEqual(
      ['direct', 'gateway', 'bare-relay', 'portkey'].flatMap((name) => [`${name}@1`, `${name}@10`]).sort(),
    );
    expect(concurrent?.derived['gateway.c10.errors']).toBe(0);
    expect(concurrent?.derived['gateway.c10.peakRssKib']).toBeGreaterThan(10_000);
    const codex = byId['codex-path'];
    for (const mode of ['non-stream', 'stream']) {
      expect(Number.isFinite(codex?.derived[`${mode}.codex.overheadP50Ms`]), mode).toBe(true);
      expect(Number.isFinite(codex?.derived[`${mode}.codexToApiKeyOverheadP50`]), mode).toBe(true);
    }

    // New scenarios: every target answered every request in its route's own shape.
    for (const id of ['note-app-api', 'request-formats']) {
      const scenario = byId[id];
      for (const [name, target] of Object.entries(scenario?.targets ?? {})) {
        expect(target.samples, `${id} ${name}`).toBe(scenario?.params.iterations);
        expect(target.errors, `${id} ${name}`).toBe(0);
      }
    }
    expect(Object.keys(byId['request-formats']?.targets ?? {})).toEqual([
      'direct',
      'chat-completions',
      'messages',
      'responses',
    ]);
    expect(Object.keys(byId.startup?.targets ?? {})).toEqual(['gateway', 'bare-relay', 'portkey']);

    // Every target of issue 22, computed in this run, with its verdict matching its value (whether it is met is
    // the machine's business, not this test's).
    expect(report.schemaVersion).toBe(2);
    expect(report.targets.map((check) => check.id)).toEqual(TARGET_IDS);
    for (const check of report.targets) {
      expect(check.status, `${check.id}: ${check.source}`).not.toBe('not measured');
      expect(Number.isFinite(check.value), `${check.id}: ${check.source}`).toBe(true);
      expect(typeof check.isMet, check.id).toBe('boolean');
      const value = check.value ?? Number.NaN;
      expect(check.isMet, check.id).toBe(check.comparison === '≤' ? value <= check.limit : value >= check.limit);
      expect(check.status, check.id).toBe(check.isMet ? 'met' : 'missed');
      expect(check.figures.gateway.length, check.id).toBeGreaterThan(0);
      for (const figure of [...check.figures.gateway, ...check.figures.bareRelay, ...check.figures.portkey]) {
        expect(Number.isFinite(figure.value), `${check.id} figure ${figure.label ?? ''}`).toBe(true);
      }
    }
    // The ratios to the bare relay show the bare relay's figure (and Portkey's) beside the gateway's.
    const first = report.targets[0];
    expect(first?.figures.bareRelay).toHaveLength(1);
    expect(first?.figures.portkey).toHaveLength(1);
    const markdown = await readFile(join(outDir, 'latest.md'), 'utf8');
    expect(markdown).toContain('## Targets');
    expect(markdown).toMatch(/\| # +\| what +\| gateway +\| bare relay +\| Portkey +\| measured +\| limit +\|/);
    expect(markdown).toContain(`Node ${process.version}`);
    expect(markdown).toContain('| gateway |');
    expect(markdown).toContain('| portkey |');
    expect(markdown).toContain('| bare-relay |');
  });
});
