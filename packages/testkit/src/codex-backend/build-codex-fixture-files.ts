import { fileURLToPath } from 'node:url';
import { buildCodexErrorAnswer } from './build-codex-error-answer.ts';
import { buildCodexStreamPlan } from './build-codex-stream-plan.ts';
import { DEFAULT_FAKE_CODEX_RATE_LIMITS } from './fake-codex-rate-limits.ts';
import type { FakeCodexScenarioName } from './fake-codex-scenario.ts';
import {
  FAKE_CODEX_ERROR_SCENARIO_NAMES,
  FAKE_CODEX_SCENARIOS,
  FAKE_CODEX_STREAM_SCENARIO_NAMES,
} from './fake-codex-scenario.ts';

/** Where the `codex-*.chunks.txt` and `codex-*.error.json` fixtures live, for adapter tests to read. */
export const CODEX_FIXTURE_DIRECTORY = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

/** The clock behind every fixture: 2026-01-01T00:00:00Z. */
export const CODEX_FIXTURE_NOW = Date.UTC(2026, 0, 1);

/** The request every fixture answers: Codex 0.169's shape (docs/codex-protocol.md §10), trimmed to one tool. */
export const CODEX_FIXTURE_REQUEST: Readonly<Record<string, unknown>> = {
  model: 'gpt-5.5',
  stream: true,
  input: [
    {
      type: 'message',
      id: 'msg_fixture_developer',
      role: 'developer',
      content: [{ type: 'input_text', text: 'You are a helpful assistant.' }],
    },
    { type: 'message', id: 'msg_fixture_user', role: 'user', content: [{ type: 'input_text', text: 'say hi' }] },
  ],
  tools: [
    {
      type: 'function',
      name: 'get_weather',
      description: 'Current weather for a city.',
      strict: false,
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  reasoning: { effort: 'medium', summary: 'auto' },
  store: false,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'thread_fixture',
};

/** Ids `<prefix>_fixture_0001`, `…0002`, counted per prefix, so a fixture never changes without a reason. */
export function createFixtureIdFactory(): (prefix: string) => string {
  const counts = new Map<string, number>();
  return (prefix) => {
    const count = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, count);
    return `${prefix}_fixture_${String(count).padStart(4, '0')}`;
  };
}

/**
 * Every preset's exact output for `CODEX_FIXTURE_REQUEST`, keyed by file name: streams as
 * `codex-<scenario>.chunks.txt` (one event's JSON per line, the `data:` payload, as vercel/ai fixtures are) and errors
 * before the stream as `codex-<scenario>.error.json` (`{ status, headers, body }`). The live fake produces the same
 * bytes given the same clock and ids, which `build-codex-fixture-files.test.ts` checks.
 */
export function buildCodexFixtureFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of FAKE_CODEX_STREAM_SCENARIO_NAMES) {
    const scenario = FAKE_CODEX_SCENARIOS[name];
    if (scenario.kind !== 'stream') continue;
    const plan = buildCodexStreamPlan({
      scenario,
      request: CODEX_FIXTURE_REQUEST,
      defaultEffort: 'medium',
      createdAt: CODEX_FIXTURE_NOW / 1000,
      createId: createFixtureIdFactory(),
    });
    files.set(`codex-${name}.chunks.txt`, `${plan.events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  }
  for (const name of FAKE_CODEX_ERROR_SCENARIO_NAMES) {
    const scenario = FAKE_CODEX_SCENARIOS[name as FakeCodexScenarioName];
    if (scenario.kind === 'stream') continue;
    const answer = buildCodexErrorAnswer({
      scenario,
      rateLimits: DEFAULT_FAKE_CODEX_RATE_LIMITS,
      now: CODEX_FIXTURE_NOW,
      planType: 'plus',
    });
    const headers = { 'content-type': 'application/json; charset=utf-8', ...answer.headers };
    files.set(
      `codex-${name}.error.json`,
      `${JSON.stringify({ status: answer.status, headers, body: answer.body }, null, 2)}\n`,
    );
  }
  return files;
}
