import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from './scenario.ts';
import { checkTargets } from './targets.ts';
import { targetsTable } from './write-results.ts';

const scenario = (id: string, derived: Record<string, number>): ScenarioResult => ({
  id,
  title: id,
  params: {},
  durationMs: 0,
  isTruncated: false,
  targets: {},
  derived,
  markdown: [],
});

describe('checkTargets (issue 22)', () => {
  it('should report every target, in order, as not measured when its scenario did not run', () => {
    const checks = checkTargets([]);

    expect(checks.map((check) => check.id)).toEqual([
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
    ]);
    for (const check of checks) {
      expect(check.status).toBe('not measured');
      expect(check.value).toBeNull();
      expect(check.isMet).toBeNull();
    }
    expect(checks[0]?.source).toContain('sequential-non-stream did not run');
  });

  it('should divide the gateway figure by the bare relay one of the same run and show Portkey beside them', () => {
    const checks = checkTargets([
      scenario('sequential-non-stream', {
        'gateway.overheadP50Ms': 0.5,
        'bare-relay.overheadP50Ms': 0.4,
        'portkey.overheadP50Ms': 1,
      }),
    ]);

    const first = checks.find((check) => check.id === '1');
    expect(first?.value).toBe(1.25);
    expect(first?.status).toBe('met');
    expect(first?.figures.bareRelay).toEqual([{ label: null, value: 0.4, unit: 'ms' }]);
    expect(first?.figures.portkey).toEqual([{ label: null, value: 1, unit: 'ms' }]);
    const third = checks.find((check) => check.id === '3');
    expect(third?.value).toBe(0.5);
    expect(third?.isMet).toBe(true);
    // Its p99 was not derived: reported, not dropped.
    expect(checks.find((check) => check.id === '2')?.status).toBe('not measured');
  });

  it('should read the top concurrency level that ran, hold throughput to a floor and say the level', () => {
    const checks = checkTargets([
      scenario('concurrent-streams', {
        topLevel: 10,
        'gateway.c10.streamsPerSecond': 8,
        'bare-relay.c10.streamsPerSecond': 10,
        'gateway.c10.firstByteP99Ms': 3,
        'bare-relay.c10.firstByteP99Ms': 2,
        'gateway.c10.errors': 1,
        'gateway.c10.perStreamKib': 59,
      }),
    ]);

    const byId = Object.fromEntries(checks.map((check) => [check.id, check]));
    expect(byId['5a']).toMatchObject({ value: 0.8, comparison: '≥', isMet: false, status: 'missed' });
    expect(byId['5a']?.what).toContain('(at 10 streams in this run)');
    expect(byId['5b']).toMatchObject({ value: 1.5, isMet: true });
    expect(byId['5c']).toMatchObject({ value: 1, limit: 0, isMet: false });
    expect(byId['5d']).toMatchObject({ value: 59, isMet: true });
  });

  it('should not make a ratio of a baseline that measured no cost', () => {
    const checks = checkTargets([
      scenario('request-formats', { 'messages.overheadP50Ms': 0.3, 'chat-completions.overheadP50Ms': 0 }),
    ]);

    const messages = checks.find((check) => check.id === '8a');
    expect(messages?.status).toBe('not measured');
    expect(messages?.source).toContain('chat-completions.overheadP50Ms is 0');
  });

  it('should put the figures side by side in the table and mark what was not measured', () => {
    const table = targetsTable(
      checkTargets([
        scenario('codex-path', { 'non-stream.codex.overheadP50Ms': 1.3, 'non-stream.api-key.overheadP50Ms': 0.5 }),
      ]),
    );

    expect(table[0]).toBe('| # | what | gateway | bare relay | Portkey | measured | limit | |');
    expect(table.find((line) => line.startsWith('| 7a |'))).toContain(
      '| Codex 1.30 ms, API key 0.50 ms | — | — | 2.60× | ≤ 1.30× | **missed** |',
    );
    expect(table.find((line) => line.startsWith('| 1 |'))).toContain('| not measured |');
  });
});
