// The benchmark: the gateway's own cost, side by side with calling the upstream directly and with Portkey's
// gateway, in one run. `pnpm bench` (full, about 4 minutes, writes e2e/bench/results and the README block) or
// `pnpm bench --quick` (seconds; small counts, for the smoke test). See README.md, “Benchmarks”.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkServerBuild } from '../../apps/server/bin/check-server-build.mjs';
import { chunkRelay } from './scenarios/chunk-relay.ts';
import { codexPath } from './scenarios/codex-path.ts';
import { concurrentStreams } from './scenarios/concurrent-streams.ts';
import { noteAppApi } from './scenarios/note-app-api.ts';
import { requestFormats } from './scenarios/request-formats.ts';
import { sequentialNonStream } from './scenarios/sequential-non-stream.ts';
import { sequentialStream } from './scenarios/sequential-stream.ts';
import { startup } from './scenarios/startup.ts';
import { OPENAI_MODEL, type UpstreamProfile } from './support/bench-profiles.ts';
import { createTarget, type Target } from './support/http-client.ts';
import type { Scenario, ScenarioContext, ScenarioResult } from './support/scenario.ts';
import { REPO_ROOT, startEnvironment } from './support/start-environment.ts';
import { checkTargets } from './support/targets.ts';
import {
  type BenchReport,
  describeCommit,
  describeMachine,
  toMarkdown,
  updateReadme,
  writeReport,
} from './support/write-results.ts';

const SCENARIOS: Scenario[] = [
  sequentialNonStream,
  sequentialStream,
  chunkRelay,
  concurrentStreams,
  codexPath,
  noteAppApi,
  requestFormats,
  startup,
];
/** The whole run stops here whatever happens; each scenario has a deadline of its own well inside it. */
const RUN_LIMIT_MS = 15 * 60_000;
const DEFAULT_RESULTS_DIR = join(REPO_ROOT, 'e2e/bench/results');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    'no-portkey': { type: 'boolean', default: false },
  },
});
const isQuick = values.quick === true;
const outDir = values.out ?? (isQuick ? join(tmpdir(), 'pag-bench-quick') : DEFAULT_RESULTS_DIR);
const only = values.only?.split(',').map((id) => id.trim());
const scenarios = only == null ? SCENARIOS : SCENARIOS.filter((scenario) => only.includes(scenario.id));
if (scenarios.length === 0) {
  console.error(`no scenario matches --only ${values.only}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  process.exit(2);
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
// A missing prerequisite (the built web UI, the server build) fails now, not after minutes of measuring.
try {
  for (const scenario of scenarios) scenario.check?.();
  // The gateway is measured as an installation runs it: bin/gateway-server.mjs runs the server build while it is
  // current, and would otherwise quietly run the sources, a different start and idle memory (issue 22).
  const serverBuild = checkServerBuild();
  if (!('entry' in serverBuild)) {
    const why = 'stale' in serverBuild ? `${serverBuild.stale} since it was made` : 'there is none';
    throw new Error(`the gateway is measured from its build (apps/server/dist), and ${why}: run \`pnpm build\` first`);
  }
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(2);
}
const hardStop = setTimeout(() => {
  log(`the run exceeded ${RUN_LIMIT_MS / 60_000} minutes; stopping`);
  process.exit(1);
}, RUN_LIMIT_MS);
hardStop.unref();

const startedAt = new Date();
const withPortkey = values['no-portkey'] !== true;
log(`starting the upstreams, the gateway${withPortkey ? ' and Portkey' : ''}`);
const env = await startEnvironment({ withPortkey });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void env.stop().finally(() => process.exit(130)));
}

let currentProfile: UpstreamProfile | null = null;
const context: ScenarioContext = {
  env,
  isQuick,
  log,
  async openAiTargets(profile) {
    if (profile !== currentProfile) {
      await env.useProfile(profile);
      currentProfile = profile;
    }
    const upstream = env.upstreams.profiles[profile];
    const upstreamAuth = { authorization: `Bearer ${env.upstreams.apiKey}` };
    const targets: Target[] = [
      createTarget({ name: 'direct', url: `${upstream}/chat/completions`, headers: upstreamAuth, model: OPENAI_MODEL }),
      createTarget({
        name: 'gateway',
        url: `${env.gateway.url}/v1/chat/completions`,
        headers: { authorization: `Bearer ${env.gateway.apiKey}` },
        model: `openai/${OPENAI_MODEL}`,
      }),
    ];
    targets.push(
      createTarget({
        name: 'bare-relay',
        url: `${env.bareRelay.url}${new URL(upstream).pathname}/chat/completions`,
        headers: { ...upstreamAuth, 'x-bare-upstream': new URL(upstream).origin },
        model: OPENAI_MODEL,
      }),
    );
    if (env.portkey != null) {
      targets.push(
        createTarget({
          name: 'portkey',
          url: `${env.portkey.url}/v1/chat/completions`,
          // Portkey's open-source gateway routes by headers: the provider, and a custom host for its base URL.
          headers: { ...upstreamAuth, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream },
          model: OPENAI_MODEL,
        }),
      );
    }
    return targets;
  },
};

const results: ScenarioResult[] = [];
try {
  for (const scenario of scenarios) {
    const before = env.portkey == null ? 0 : (await env.upstreamStats('instant')).chatCompletions;
    results.push(await scenario.run(context));
    if (scenario.id === 'sequential-non-stream' && env.portkey != null) {
      // Proof that Portkey's answers came from our upstream, not from a cache or an error page.
      const after = (await env.upstreamStats('instant')).chatCompletions;
      const expected = (results.at(-1)?.targets.portkey?.samples as number | undefined) ?? 0;
      if (after - before < expected * 3)
        throw new Error(`the upstream saw ${after - before} requests, expected ≥ ${expected * 3}`);
    }
  }
} finally {
  await env.stop();
}

const report: BenchReport = {
  schemaVersion: 2,
  startedAt: startedAt.toISOString(),
  durationMs: Date.now() - startedAt.getTime(),
  mode: isQuick ? 'quick' : 'full',
  machine: describeMachine(),
  node: process.version,
  commit: describeCommit(REPO_ROOT),
  portkey: withPortkey ? { version: readPortkeyVersion() } : null,
  targets: checkTargets(results),
  scenarios: results,
};
const written = await writeReport(report, outDir);
if (!isQuick && outDir === DEFAULT_RESULTS_DIR && only == null) {
  if (await updateReadme(report, join(REPO_ROOT, 'README.md'))) log('README.md benchmark block updated');
}
formatMarkdown([written.markdown, ...(outDir === DEFAULT_RESULTS_DIR ? [join(REPO_ROOT, 'README.md')] : [])]);
process.stdout.write(toMarkdown(report));
log(`wrote ${written.markdown} and ${written.json}`);

/** The repository's formatter aligns markdown tables; the written files must pass `biome check` as they are. */
function formatMarkdown(files: string[]): void {
  try {
    execFileSync(join(REPO_ROOT, 'node_modules/.bin/biome'), ['format', '--write', ...files], { stdio: 'ignore' });
  } catch {
    log('could not run biome format on the written markdown; run `pnpm format`');
  }
}

function readPortkeyVersion(): string {
  const require = createRequire(join(REPO_ROOT, 'e2e/package.json'));
  const manifest = require.resolve('@portkey-ai/gateway/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
