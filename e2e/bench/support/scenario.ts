import type { UpstreamProfile } from './bench-profiles.ts';
import type { Target } from './http-client.ts';
import type { BenchEnvironment } from './start-environment.ts';

export type ScenarioResult = {
  id: string;
  title: string;
  /** What was run: counts, profile, levels. */
  params: Record<string, unknown>;
  durationMs: number;
  /** A loop hit its deadline before its count. */
  isTruncated: boolean;
  /** Per target (`direct`, `gateway`, `portkey`, …): its measurements. */
  targets: Record<string, Record<string, unknown>>;
  /** Overheads and ratios derived from the targets, flat, for the targets table and the JSON. */
  derived: Record<string, number>;
  /** The scenario's own markdown table. */
  markdown: string[];
};

export type ScenarioContext = {
  env: BenchEnvironment;
  isQuick: boolean;
  /** The OpenAI-path targets for a profile: direct, gateway, and Portkey when it runs. */
  openAiTargets(profile: UpstreamProfile): Promise<Target[]>;
  log(message: string): void;
};

export type Scenario = {
  id: string;
  /** Throws when something the scenario needs is missing: called before the run starts, so it fails at once. */
  check?(): void;
  run(context: ScenarioContext): Promise<ScenarioResult>;
};

/**
 * The instant profile's direct and gateway targets (the API-key path): the baseline of the scenarios that compare the
 * gateway's own routes with each other.
 */
export async function apiKeyTargets(context: ScenarioContext): Promise<{ direct: Target; gateway: Target }> {
  const targets = await context.openAiTargets('instant');
  const direct = targets.find((target) => target.name === 'direct');
  const gateway = targets.find((target) => target.name === 'gateway');
  if (direct == null || gateway == null) throw new Error('the API-key targets are missing');
  return { direct, gateway };
}
