import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { FAKE_GEMINI_SCENARIOS } from './fake-gemini-scenario.ts';
import { startFakeGeminiApi } from './gemini-api-fake.ts';
import { postGemini, readGeminiSse, toFixtureLines } from './test-support.ts';

afterEach(closeAllFakeServers);

// Every preset that streams output; `echo` answers what it is asked, so it has no fixed recording.
const STREAMING_SCENARIOS = Object.entries(FAKE_GEMINI_SCENARIOS)
  .filter(([name, scenario]) => scenario.kind !== 'http-error' && name !== 'echo')
  .map(([name]) => name as keyof typeof FAKE_GEMINI_SCENARIOS);

/**
 * Records each streaming scenario as the fake sends it (`alt=sse`, thoughts included) into `__fixtures__/` for adapter
 * tests: one compact JSON chunk per line; a mid-stream error, sent bare and pretty-printed, becomes one line too.
 * `vitest -u` rewrites them after a deliberate change.
 */
describe('gemini-api fixtures', () => {
  it.each(STREAMING_SCENARIOS)('should match gemini-%s.chunks.txt', async (scenario) => {
    const fake = await startFakeGeminiApi({ scenarios: [scenario] });

    const { rawText } = await readGeminiSse(
      await postGemini({
        url: `${fake.url}/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse`,
        body: {
          contents: [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }],
          generationConfig: { thinkingConfig: { includeThoughts: true } },
        },
      }),
    );

    await expect(toFixtureLines(rawText)).toMatchFileSnapshot(`./__fixtures__/gemini-${scenario}.chunks.txt`);
  });
});
