import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ScenarioResult } from './scenario.ts';
import type { TargetCheck, TargetFigure } from './targets.ts';

export type BenchReport = {
  /** 2: the targets of issue 22 (ids, figures side by side, not-measured rows); 1 had issue 7's. */
  schemaVersion: 2;
  startedAt: string;
  durationMs: number;
  mode: 'full' | 'quick';
  machine: { cpuModel: string; cores: number; memoryGiB: number; platform: string; arch: string };
  node: string;
  commit: { sha: string; isDirty: boolean };
  portkey: { version: string } | null;
  targets: TargetCheck[];
  scenarios: ScenarioResult[];
};

export function describeMachine(): BenchReport['machine'] {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
  };
}

/** The checked-out commit, and whether the tree had changes on top of it (the measured code is then not the commit). */
export function describeCommit(repoRoot: string): BenchReport['commit'] {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { sha: git('rev-parse', 'HEAD'), isDirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return { sha: 'unknown', isDirty: false };
  }
}

export function toMarkdown(report: BenchReport): string {
  const { machine } = report;
  const lines = [
    '# Benchmark results',
    '',
    `Run ${report.startedAt} (${report.mode}, ${(report.durationMs / 1000).toFixed(0)} s) on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}/${machine.arch}; Node ${report.node}; commit ${report.commit.sha.slice(0, 12)}${report.commit.isDirty ? ' with uncommitted changes' : ''}${report.portkey == null ? '' : `; Portkey gateway ${report.portkey.version}`}.`,
    '',
    'Every process on 127.0.0.1, each in its own process: the load generator, the fake upstreams, the gateway,',
    'Portkey and a *bare relay* (node:http + undici, forwarding bytes and nothing else: the floor any Node relay',
    'starts from). *Overhead* is a relay’s latency minus the direct latency at the same percentile, measured in the',
    'same run with the requests interleaved; ratios compare numbers from this run only.',
    '',
    '## Targets',
    '',
    'Issue 22’s targets. Each ratio divides numbers of one scenario of this run (interleaved requests); the',
    'gateway, bare relay and Portkey columns are the figures it is computed from.',
    '',
    ...targetsTable(report.targets),
  ];
  for (const scenario of report.scenarios) {
    lines.push(
      '',
      `## ${scenario.title}`,
      '',
      ...(scenario.isTruncated ? ['> Stopped at its time limit before its full count.', ''] : []),
      ...scenario.markdown,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The targets of issue 22, one row per part: the figures each is computed from (the gateway's, the bare relay's and
 * Portkey's where that number exists), the measured value, its limit and the verdict.
 */
export function targetsTable(checks: readonly TargetCheck[]): string[] {
  return [
    '| # | what | gateway | bare relay | Portkey | measured | limit | |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...checks.map((check) => {
      const cells = [
        check.id,
        check.what,
        formatFigures(check.figures.gateway),
        formatFigures(check.figures.bareRelay),
        formatFigures(check.figures.portkey),
        check.value == null ? '—' : formatValue(check.value, check.unit),
        `${check.comparison} ${formatValue(check.limit, check.unit)}`,
        check.status === 'missed' ? '**missed**' : check.status,
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

function formatFigures(figures: readonly TargetFigure[]): string {
  if (figures.length === 0) return '—';
  return figures
    .map((figure) => {
      const value = figure.value == null ? '—' : formatValue(figure.value, figure.unit);
      return figure.label == null ? value : `${figure.label} ${value}`;
    })
    .join(', ');
}

function formatValue(value: number, unit: string): string {
  if (unit === '×') return `${value.toFixed(2)}×`;
  if (unit === 'errors') return String(value);
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${unit}`;
}

/** `latest.json`/`latest.md` in `outDir`, plus a timestamped JSON copy in `outDir/history`. */
export async function writeReport(report: BenchReport, outDir: string): Promise<{ json: string; markdown: string }> {
  await mkdir(join(outDir, 'history'), { recursive: true });
  const json = join(outDir, 'latest.json');
  const markdown = join(outDir, 'latest.md');
  const text = `${JSON.stringify(report, null, 2)}\n`;
  await writeFile(json, text);
  await writeFile(markdown, toMarkdown(report));
  await writeFile(join(outDir, 'history', `${report.startedAt.replace(/[:.]/g, '-')}.json`), text);
  return { json, markdown };
}

const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

/** Replaces the README's results block (between the bench markers) with this run's headline tables. */
export async function updateReadme(report: BenchReport, readmePath: string): Promise<boolean> {
  const readme = await readFile(readmePath, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return false;
  const sequential = report.scenarios.find((scenario) => scenario.id === 'sequential-non-stream');
  const { machine } = report;
  const block = [
    README_START,
    `Latest run: ${report.startedAt.slice(0, 10)}, ${machine.cpuModel} (${machine.cores} cores), Node ${report.node}, commit ${report.commit.sha.slice(0, 12)}${report.commit.isDirty ? ' with uncommitted changes' : ''}, load from other processes not controlled. Full tables: [e2e/bench/results/latest.md](e2e/bench/results/latest.md).`,
    '',
    ...targetsTable(report.targets),
    ...(sequential == null ? [] : ['', `${sequential.title}:`, '', ...sequential.markdown]),
    README_END,
  ].join('\n');
  await writeFile(readmePath, `${readme.slice(0, start)}${block}${readme.slice(end + README_END.length)}`);
  return true;
}
