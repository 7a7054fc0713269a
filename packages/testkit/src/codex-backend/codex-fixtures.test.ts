import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { readSseBody } from '../read-sse-body.ts';
import { buildCodexErrorAnswer } from './build-codex-error-answer.ts';
import { buildCodexStreamPlan } from './build-codex-stream-plan.ts';
import { codexRequestBody, postResponses, startCodexTestRig } from './codex-backend-test-support.ts';
import { DEFAULT_FAKE_CODEX_RATE_LIMITS } from './codex-rate-limits.ts';
import type { FakeCodexScenarioName } from './fake-codex-scenario.ts';
import { FAKE_CODEX_SCENARIOS } from './fake-codex-scenario.ts';

// `__fixtures__/` holds what the presets answer to `codex-request.json` (`codexRequestBody()`), for the provider adapters' tests to read:
// streams as `codex-<preset>.chunks.txt` (one event's JSON per line, the `data:` payload, as vercel/ai fixtures are)
// and errors before the stream as `codex-<preset>.error.json` (`{ status, headers, body }`). Beside them,
// `codex-handmade-*.chunks.txt` are written by hand: upstream quirks the fake does not produce, and exact streams
// that adapter tests assert part by part. Regenerate the recorded ones after a deliberate change:
// RECORD_FIXTURES=1 pnpm exec vitest run --project testkit codex-fixtures
const DIRECTORY = new URL('./__fixtures__/', import.meta.url);
const shouldRecord = process.env.RECORD_FIXTURES === '1';
/** The clock behind every fixture: 2026-01-01T00:00:00Z. */
const NOW = Date.UTC(2026, 0, 1);
const NAMES = Object.keys(FAKE_CODEX_SCENARIOS) as FakeCodexScenarioName[];
const STREAM_NAMES = NAMES.filter((name) => FAKE_CODEX_SCENARIOS[name].kind === 'stream');
const ERROR_NAMES = NAMES.filter((name) => FAKE_CODEX_SCENARIOS[name].kind !== 'stream');

afterEach(closeAllFakeServers);

/** Ids `<prefix>_fixture_0001`, `…0002`, counted per prefix, so a fixture never changes without a reason. */
function createFixtureIdFactory(): (prefix: string) => string {
  const counts = new Map<string, number>();
  return (prefix) => {
    const count = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, count);
    return `${prefix}_fixture_${String(count).padStart(4, '0')}`;
  };
}

/** Every preset's exact output, built without HTTP, keyed by file name. */
function buildFixtureFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of NAMES) {
    const scenario = FAKE_CODEX_SCENARIOS[name];
    if (scenario.kind === 'stream') {
      const plan = buildCodexStreamPlan({
        scenario,
        request: codexRequestBody(),
        defaultEffort: 'medium',
        createdAt: NOW / 1000,
        createId: createFixtureIdFactory(),
      });
      files.set(`codex-${name}.chunks.txt`, `${plan.events.map((event) => JSON.stringify(event)).join('\n')}\n`);
      continue;
    }
    const answer = buildCodexErrorAnswer({
      scenario,
      rateLimits: DEFAULT_FAKE_CODEX_RATE_LIMITS,
      now: NOW,
      planType: 'plus',
    });
    const headers = { 'content-type': 'application/json; charset=utf-8', ...answer.headers };
    const text = JSON.stringify({ status: answer.status, headers, body: answer.body }, null, 2);
    files.set(`codex-${name}.error.json`, `${text}\n`);
  }
  return files;
}

/** The live fake with the builder's clock and ids, answering the fixture request with one preset. */
async function answerLive(name: FakeCodexScenarioName): Promise<Response> {
  const rig = await startCodexTestRig({ now: () => NOW, createId: createFixtureIdFactory(), scenarios: [name] });
  return postResponses({ rig, body: codexRequestBody() });
}

describe('codex fixtures', () => {
  it('should match the recorded files in __fixtures__, one for every preset', async () => {
    const files = buildFixtureFiles();
    if (shouldRecord) {
      await Promise.all([...files].map(([name, text]) => writeFile(new URL(name, DIRECTORY), text)));
    }

    const recorded = (await readdir(DIRECTORY))
      .filter((name) => /\.(chunks\.txt|error\.json)$/.test(name) && !name.startsWith('codex-handmade-'))
      .sort();

    expect(recorded).toEqual([...files.keys()].sort());
    expect(files.size).toBe(NAMES.length);
    for (const [name, text] of files) expect(await readFile(new URL(name, DIRECTORY), 'utf8'), name).toBe(text);
  });

  it.each(STREAM_NAMES)('should be what the live fake streams for %s', async (name) => {
    const response = await answerLive(name);
    const { events } = await readSseBody(response);

    expect(response.status).toBe(200);
    expect(`${events.map((event) => event.data).join('\n')}\n`).toBe(
      buildFixtureFiles().get(`codex-${name}.chunks.txt`),
    );
  });

  it.each(ERROR_NAMES)('should be what the live fake answers for %s', async (name) => {
    const response = await answerLive(name);
    const fixture = JSON.parse(buildFixtureFiles().get(`codex-${name}.error.json`) ?? '{}');

    expect(response.status).toBe(fixture.status);
    expect(await response.json()).toEqual(fixture.body);
    for (const [header, value] of Object.entries(fixture.headers as Record<string, string>)) {
      expect(response.headers.get(header), header).toBe(value);
    }
  });
});
