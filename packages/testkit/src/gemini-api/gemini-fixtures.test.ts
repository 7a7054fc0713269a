import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { FAKE_GEMINI_STREAMING_SCENARIO_NAMES } from './fake-gemini-scenario.ts';
import { startFakeGeminiApi } from './start-fake-gemini-api.ts';
import { postGemini, readGeminiSse, toFixtureLines } from './test-support.ts';

afterEach(closeAllFakeServers);

/**
 * Records each streaming scenario as the fake sends it (`alt=sse`, thoughts included) into `__fixtures__/` for adapter
 * tests: one compact JSON chunk per line; a mid-stream error, sent bare and pretty-printed, becomes one line too.
 * `vitest -u` rewrites them after a deliberate change.
 */
describe('gemini-api fixtures', () => {
  it.each(FAKE_GEMINI_STREAMING_SCENARIO_NAMES)('should match gemini-%s.chunks.txt', async (scenario) => {
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
