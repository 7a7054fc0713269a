import type { ScenarioResult } from './scenario.ts';

export type TargetCheck = {
  target: string;
  /** The measured value, in the unit of the target. */
  value: number;
  limit: number;
  unit: string;
  isMet: boolean;
  /** Where the value comes from. */
  source: string;
};

/** The targets of issue 7, each read from the derived numbers of one scenario. */
const TARGETS: { target: string; scenario: string; key: string; limit: number; unit: string }[] = [
  {
    target: 'Overhead p50, sequential non-stream',
    scenario: 'sequential-non-stream',
    key: 'gateway.overheadP50Ms',
    limit: 1,
    unit: 'ms',
  },
  {
    target: 'Overhead p99, sequential non-stream',
    scenario: 'sequential-non-stream',
    key: 'gateway.overheadP99Ms',
    limit: 3,
    unit: 'ms',
  },
  {
    target: 'Stream time-to-first-byte overhead p50',
    scenario: 'sequential-stream',
    key: 'gateway.firstByteOverheadP50Ms',
    limit: 1,
    unit: 'ms',
  },
  {
    target: '1,000 concurrent streams: errors',
    scenario: 'concurrent-streams',
    key: 'gateway.c1000.errors',
    limit: 0,
    unit: 'errors',
  },
  {
    target: '1,000 concurrent streams: RSS per stream',
    scenario: 'concurrent-streams',
    key: 'gateway.c1000.perStreamKib',
    limit: 150,
    unit: 'KiB',
  },
  {
    target: 'Gateway overhead ÷ Portkey overhead (p50, sequential non-stream)',
    scenario: 'sequential-non-stream',
    key: 'gateway.overheadToPortkeyP50',
    limit: 0.5,
    unit: '×',
  },
  {
    target: 'Codex-path overhead ÷ API-key-path overhead (p50, non-stream)',
    scenario: 'codex-path',
    key: 'non-stream.codexToApiKeyOverheadP50',
    limit: 1.5,
    unit: '×',
  },
  {
    target: 'Codex-path overhead ÷ API-key-path overhead (p50, stream)',
    scenario: 'codex-path',
    key: 'stream.codexToApiKeyOverheadP50',
    limit: 1.5,
    unit: '×',
  },
];

/** Each target the run measured, against its limit (at most the limit passes). Unmeasured targets are left out. */
export function checkTargets(scenarios: readonly ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const { target, scenario, key, limit, unit } of TARGETS) {
    const value = scenarios.find((result) => result.id === scenario)?.derived[key];
    if (value == null || !Number.isFinite(value)) continue;
    checks.push({ target, value, limit, unit, isMet: value <= limit, source: `${scenario}: ${key}` });
  }
  return checks;
}
