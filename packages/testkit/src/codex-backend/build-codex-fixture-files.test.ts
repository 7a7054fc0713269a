import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { startFakeOpenAiAuth } from '../openai-auth/start-fake-openai-auth.ts';
import {
  buildCodexFixtureFiles,
  CODEX_FIXTURE_DIRECTORY,
  CODEX_FIXTURE_NOW,
  CODEX_FIXTURE_REQUEST,
  createFixtureIdFactory,
} from './build-codex-fixture-files.ts';
import { postResponses, readSseEventsUntilClose } from './codex-backend-test-support.ts';
import type { FakeCodexScenarioName } from './fake-codex-scenario.ts';
import { FAKE_CODEX_ERROR_SCENARIO_NAMES, FAKE_CODEX_STREAM_SCENARIO_NAMES } from './fake-codex-scenario.ts';
import { startFakeCodexBackend } from './start-fake-codex-backend.ts';

afterEach(closeAllFakeServers);

// Regenerate after a deliberate change: RECORD_FIXTURES=1 pnpm exec vitest run --project testkit build-codex-fixture
const shouldRecord = process.env.RECORD_FIXTURES === '1';

async function startFixtureBackend() {
  const auth = await startFakeOpenAiAuth();
  const tokens = await auth.mintTokens();
  // Same clock and id counters as the fixture builder, so the live bytes must match the files.
  const backend = await startFakeCodexBackend({ now: () => CODEX_FIXTURE_NOW, createId: createFixtureIdFactory() });
  return { auth, backend, tokens };
}

describe('buildCodexFixtureFiles', () => {
  it('should match the files in __fixtures__', async () => {
    const files = buildCodexFixtureFiles();
    if (shouldRecord) {
      await Promise.all([...files].map(([name, text]) => writeFile(`${CODEX_FIXTURE_DIRECTORY}${name}`, text)));
    }

    const onDisk = (await readdir(CODEX_FIXTURE_DIRECTORY)).filter((name) => name.startsWith('codex-')).sort();

    expect(onDisk).toEqual([...files.keys()].sort());
    for (const [name, text] of files) {
      expect(await readFile(`${CODEX_FIXTURE_DIRECTORY}${name}`, 'utf8'), name).toBe(text);
    }
  });

  it('should cover every preset', () => {
    const names = [...buildCodexFixtureFiles().keys()];

    expect(names).toHaveLength(FAKE_CODEX_STREAM_SCENARIO_NAMES.length + FAKE_CODEX_ERROR_SCENARIO_NAMES.length);
    expect(names).toContain('codex-reasoning-text.chunks.txt');
    expect(names).toContain('codex-usage-limit.error.json');
  });

  it.each(FAKE_CODEX_STREAM_SCENARIO_NAMES)('should be what the live fake streams for %s', async (name) => {
    const rig = await startFixtureBackend();
    rig.backend.enqueueScenarios(name as FakeCodexScenarioName);

    const response = await postResponses({ rig, body: CODEX_FIXTURE_REQUEST });
    const { events } = await readSseEventsUntilClose(response);
    const fixture = buildCodexFixtureFiles().get(`codex-${name}.chunks.txt`);

    expect(response.status).toBe(200);
    expect(`${events.map((event) => event.rawData).join('\n')}\n`).toBe(fixture);
  });

  it.each(FAKE_CODEX_ERROR_SCENARIO_NAMES)('should be what the live fake answers for %s', async (name) => {
    const rig = await startFixtureBackend();
    rig.backend.enqueueScenarios(name as FakeCodexScenarioName);

    const response = await postResponses({ rig, body: CODEX_FIXTURE_REQUEST });
    const fixture = JSON.parse(buildCodexFixtureFiles().get(`codex-${name}.error.json`) ?? '{}');

    expect(response.status).toBe(fixture.status);
    expect(await response.json()).toEqual(fixture.body);
    for (const [header, value] of Object.entries(fixture.headers as Record<string, string>)) {
      expect(response.headers.get(header), header).toBe(value);
    }
  });
});
