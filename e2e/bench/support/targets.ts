import type { ScenarioResult } from './scenario.ts';

export type TargetUnit = '×' | 'ms' | 'KiB' | 'MiB' | 'errors' | 'streams/s';

/** One number a target is computed from, as the scenario derived it; null when that scenario did not run. */
export type TargetFigure = { label: string | null; value: number | null; unit: TargetUnit };

/** Who a figure belongs to: the table puts the gateway's, the bare relay's and Portkey's side by side. */
export type FigureOwner = 'gateway' | 'bareRelay' | 'portkey';

export type TargetCheck = {
  /** The numbering: `1` … `10`, a letter for each part of a target with several (`5a`). */
  id: string;
  what: string;
  /** The measured value the limit applies to (a ratio for most); null when not measured. */
  value: number | null;
  comparison: '≤' | '≥';
  limit: number;
  unit: TargetUnit;
  status: 'met' | 'missed' | 'not measured';
  /** Whether the value keeps to the limit; null when not measured. */
  isMet: boolean | null;
  /** The figures the value is computed from, per owner (empty where that owner has no such number). */
  figures: Record<FigureOwner, TargetFigure[]>;
  /** Where the numbers come from; for a target not measured, why. */
  source: string;
};

/** A derived number of one scenario; `{top}` in a key stands for that scenario's `topLevel`. */
type FigureSpec = { key: string; unit: TargetUnit; label?: string };

type TargetSpec = {
  id: string;
  what: string;
  scenario: string;
  comparison?: '≤' | '≥';
  limit: number;
  unit: TargetUnit;
  /** The value: one derived number, or the ratio of two (numerator ÷ denominator), all of the same scenario. */
  value: { key: string } | { ratio: [string, string] };
  figures: Partial<Record<FigureOwner, FigureSpec[]>>;
};

/** A figure for each of the three relays, the same derived number under each one's name. */
const sideBySide = (suffix: string, unit: TargetUnit): TargetSpec['figures'] => ({
  gateway: [{ key: `gateway.${suffix}`, unit }],
  bareRelay: [{ key: `bare-relay.${suffix}`, unit }],
  portkey: [{ key: `portkey.${suffix}`, unit }],
});

/**
 * The targets of issue 22: ratios to the bare relay (the floor any Node relay starts from), to Portkey and between
 * the gateway's own routes, each computed from numbers of one interleaved run (one scenario), plus a few absolute
 * ones (errors, memory, own time, start-up).
 */
const TARGETS: TargetSpec[] = [
  {
    id: '1',
    what: 'Overhead p50, sequential non-stream `/v1/chat/completions` (API key), ÷ the bare relay’s',
    scenario: 'sequential-non-stream',
    limit: 1.25,
    unit: '×',
    value: { ratio: ['gateway.overheadP50Ms', 'bare-relay.overheadP50Ms'] },
    figures: sideBySide('overheadP50Ms', 'ms'),
  },
  {
    id: '2',
    what: 'Overhead p99, same, ÷ the bare relay’s',
    scenario: 'sequential-non-stream',
    limit: 1.5,
    unit: '×',
    value: { ratio: ['gateway.overheadP99Ms', 'bare-relay.overheadP99Ms'] },
    figures: sideBySide('overheadP99Ms', 'ms'),
  },
  {
    id: '3',
    what: 'Overhead p50, same, ÷ Portkey’s',
    scenario: 'sequential-non-stream',
    limit: 0.55,
    unit: '×',
    value: { ratio: ['gateway.overheadP50Ms', 'portkey.overheadP50Ms'] },
    figures: sideBySide('overheadP50Ms', 'ms'),
  },
  {
    id: '4',
    what: 'Stream time-to-first-byte overhead p50 ÷ the bare relay’s',
    scenario: 'sequential-stream',
    limit: 1.25,
    unit: '×',
    value: { ratio: ['gateway.firstByteOverheadP50Ms', 'bare-relay.firstByteOverheadP50Ms'] },
    figures: sideBySide('firstByteOverheadP50Ms', 'ms'),
  },
  {
    id: '5a',
    what: '1,000 concurrent streams: throughput ÷ the bare relay’s',
    scenario: 'concurrent-streams',
    comparison: '≥',
    limit: 0.85,
    unit: '×',
    value: { ratio: ['gateway.c{top}.streamsPerSecond', 'bare-relay.c{top}.streamsPerSecond'] },
    figures: sideBySide('c{top}.streamsPerSecond', 'streams/s'),
  },
  {
    id: '5b',
    what: '1,000 concurrent streams: first-byte p99 ÷ the bare relay’s',
    scenario: 'concurrent-streams',
    limit: 1.5,
    unit: '×',
    value: { ratio: ['gateway.c{top}.firstByteP99Ms', 'bare-relay.c{top}.firstByteP99Ms'] },
    figures: sideBySide('c{top}.firstByteP99Ms', 'ms'),
  },
  {
    id: '5c',
    what: '1,000 concurrent streams: errors',
    scenario: 'concurrent-streams',
    limit: 0,
    unit: 'errors',
    value: { key: 'gateway.c{top}.errors' },
    figures: sideBySide('c{top}.errors', 'errors'),
  },
  {
    id: '5d',
    what: '1,000 concurrent streams: RSS per stream',
    scenario: 'concurrent-streams',
    limit: 60,
    unit: 'KiB',
    value: { key: 'gateway.c{top}.perStreamKib' },
    figures: sideBySide('c{top}.perStreamKib', 'KiB'),
  },
  {
    id: '6a',
    what: 'Note-app `/api/ai/stream` first-byte overhead p50 ÷ `/v1/chat/completions`’ (same provider)',
    scenario: 'note-app-api',
    limit: 1.15,
    unit: '×',
    value: { ratio: ['note-app.firstByteOverheadP50Ms', 'v1.firstByteOverheadP50Ms'] },
    figures: {
      gateway: [
        { key: 'note-app.firstByteOverheadP50Ms', unit: 'ms', label: 'note app' },
        { key: 'v1.firstByteOverheadP50Ms', unit: 'ms', label: '/v1' },
      ],
    },
  },
  {
    id: '6b',
    what: 'Note-app `/api/ai/chat` overhead p50 ÷ `/v1/chat/completions`’ (same provider)',
    scenario: 'note-app-api',
    limit: 1.15,
    unit: '×',
    value: { ratio: ['note-app.overheadP50Ms', 'v1.overheadP50Ms'] },
    figures: {
      gateway: [
        { key: 'note-app.overheadP50Ms', unit: 'ms', label: 'note app' },
        { key: 'v1.overheadP50Ms', unit: 'ms', label: '/v1' },
      ],
    },
  },
  ...(['non-stream', 'stream'] as const).map(
    (mode, index): TargetSpec => ({
      id: `7${'ab'[index]}`,
      what: `Subscription path (Codex translation) overhead p50 ÷ the API-key path’s, ${mode}`,
      scenario: 'codex-path',
      limit: 1.3,
      unit: '×',
      value: { ratio: [`${mode}.codex.overheadP50Ms`, `${mode}.api-key.overheadP50Ms`] },
      figures: {
        gateway: [
          { key: `${mode}.codex.overheadP50Ms`, unit: 'ms', label: 'Codex' },
          { key: `${mode}.api-key.overheadP50Ms`, unit: 'ms', label: 'API key' },
        ],
      },
    }),
  ),
  ...(['messages', 'responses'] as const).map(
    (route, index): TargetSpec => ({
      id: `8${'ab'[index]}`,
      what: `\`/v1/${route}\` overhead p50 ÷ \`/v1/chat/completions\`’ (non-stream)`,
      scenario: 'request-formats',
      limit: 1.3,
      unit: '×',
      value: { ratio: [`${route}.overheadP50Ms`, 'chat-completions.overheadP50Ms'] },
      figures: {
        gateway: [
          { key: `${route}.overheadP50Ms`, unit: 'ms', label: `/v1/${route}` },
          { key: 'chat-completions.overheadP50Ms', unit: 'ms', label: 'chat' },
        ],
      },
    }),
  ),
  ...(['P50', 'P99'] as const).map(
    (p, index): TargetSpec => ({
      id: `9${'ab'[index]}`,
      what: `Gateway’s own time (\`x-gateway-overhead-ms\`) ${p.toLowerCase()}, sequential non-stream`,
      scenario: 'sequential-non-stream',
      limit: p === 'P50' ? 0.15 : 0.6,
      unit: 'ms',
      value: { key: `gateway.selfReported${p}Ms` },
      figures: { gateway: [{ key: `gateway.selfReported${p}Ms`, unit: 'ms' }] },
    }),
  ),
  {
    id: '10a',
    what: 'Idle RSS after start',
    scenario: 'startup',
    limit: 100,
    unit: 'MiB',
    value: { key: 'gateway.idleRssMib' },
    figures: sideBySide('idleRssMib', 'MiB'),
  },
  {
    id: '10b',
    what: 'Start to `/readyz` 200, web UI built (others: to listening)',
    scenario: 'startup',
    limit: 1_000,
    unit: 'ms',
    value: { key: 'gateway.startMs' },
    figures: sideBySide('startMs', 'ms'),
  },
];

/** Every target of issue 22, in order; a target whose numbers are missing is reported as not measured, never left out. */
export function checkTargets(scenarios: readonly ScenarioResult[]): TargetCheck[] {
  return TARGETS.map((spec) => {
    const scenario = scenarios.find((result) => result.id === spec.scenario);
    const derived = scenario?.derived ?? {};
    const topLevel = derived.topLevel;
    const read = (key: string): number | null => {
      const value = derived[key.replace('{top}', String(topLevel))];
      return value != null && Number.isFinite(value) ? value : null;
    };
    const figures = Object.fromEntries(
      (['gateway', 'bareRelay', 'portkey'] as const).map((owner) => [
        owner,
        (spec.figures[owner] ?? []).map(
          (figure): TargetFigure => ({ label: figure.label ?? null, value: read(figure.key), unit: figure.unit }),
        ),
      ]),
    ) as Record<FigureOwner, TargetFigure[]>;
    const what =
      topLevel != null && topLevel !== 1_000 && spec.what.startsWith('1,000 ')
        ? `${spec.what} (at ${topLevel} streams in this run)`
        : spec.what;
    const base = { id: spec.id, what, comparison: spec.comparison ?? '≤', limit: spec.limit, unit: spec.unit, figures };
    const keys = 'key' in spec.value ? [spec.value.key] : spec.value.ratio;
    const source = `${spec.scenario}: ${'key' in spec.value ? spec.value.key : spec.value.ratio.join(' ÷ ')}`;
    const notMeasured = (why: string): TargetCheck => ({
      ...base,
      value: null,
      status: 'not measured',
      isMet: null,
      source: `${source} (${why})`,
    });
    if (scenario == null) return notMeasured(`scenario ${spec.scenario} did not run`);
    const [first, second] = keys.map(read);
    const missing = keys.filter((key) => read(key) == null);
    if (first == null || missing.length > 0) return notMeasured(`no ${missing.join(', ')}`);
    let value = first;
    if (second != null) {
      // A baseline that measured no cost at all gives no meaningful ratio.
      if (second <= 0) return notMeasured(`${keys[1]} is ${second}`);
      value = Math.round((first / second) * 1000) / 1000;
    }
    const isMet = base.comparison === '≤' ? value <= spec.limit : value >= spec.limit;
    return { ...base, value, status: isMet ? 'met' : 'missed', isMet, source };
  });
}
