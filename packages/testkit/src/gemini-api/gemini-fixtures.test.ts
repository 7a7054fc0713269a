import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { readSseBody } from '../read-sse-body.ts';
import { FAKE_GEMINI_SCENARIOS } from './fake-gemini-scenario.ts';
import { startFakeGeminiApi } from './gemini-api-fake.ts';
import { postGemini } from './test-support.ts';

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

    const { rawText } = await readSseBody(
      await postGemini({
        url: `${fake.url}/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse`,
        body: {
          contents: [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }],
          generationConfig: { thinkingConfig: { includeThoughts: true } },
        },
      }),
    );

    // Each event as compact JSON, a bare error object included.
    const lines = rawText
      .split('\r\n\r\n')
      .filter((block) => block.trim() !== '')
      .map((block) => `${JSON.stringify(JSON.parse(block.startsWith('data: ') ? block.slice(6) : block))}\n`);
    await expect(lines.join('')).toMatchFileSnapshot(`./__fixtures__/gemini-${scenario}.chunks.txt`);
  });
});
