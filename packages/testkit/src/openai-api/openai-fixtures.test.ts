import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { readSseBody } from '../read-sse-body.ts';
import { FAKE_OPENAI_SCENARIOS } from './fake-openai-scenario.ts';
import { startFakeOpenAiApi } from './openai-api-fake.ts';
import { FIXED_NOW, postOpenAi } from './test-support.ts';

afterEach(closeAllFakeServers);

// Every preset that streams output; `echo` answers what it is asked, so it has no fixed recording.
const STREAMING_SCENARIOS = Object.entries(FAKE_OPENAI_SCENARIOS)
  .filter(([name, scenario]) => scenario.kind === 'reply' && name !== 'echo')
  .map(([name]) => name as keyof typeof FAKE_OPENAI_SCENARIOS);

/**
 * Records each streaming scenario, as the fake sends it, into `__fixtures__/` for adapter tests: one JSON data payload
 * per line (chat's `[DONE]` sentinel is not JSON and is left out). `vitest -u` rewrites them after a deliberate change;
 * otherwise a mismatch fails here before it can surprise an adapter test.
 */
describe('openai-api fixtures', () => {
  it.each(STREAMING_SCENARIOS)('should match openai-%s.chunks.txt', async (scenario) => {
    const fake = await startFakeOpenAiApi({ now: () => FIXED_NOW, scenarios: [scenario] });

    const { events } = await readSseBody(
      await postOpenAi({
        url: `${fake.baseUrl}/chat/completions`,
        body: {
          model: scenario === 'reasoning' ? 'gpt-5-mini' : 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
          stream: true,
          stream_options: { include_usage: true },
        },
      }),
    );

    const lines = events.filter((event) => event.data !== '[DONE]').map((event) => `${event.data}\n`);
    await expect(lines.join('')).toMatchFileSnapshot(`./__fixtures__/openai-${scenario}.chunks.txt`);
  });

  it.each(STREAMING_SCENARIOS)('should match openai-responses-%s.chunks.txt', async (scenario) => {
    const fake = await startFakeOpenAiApi({ now: () => FIXED_NOW, scenarios: [scenario] });

    const { events } = await readSseBody(
      await postOpenAi({
        url: `${fake.baseUrl}/responses`,
        body: {
          model: scenario === 'reasoning' ? 'gpt-5-mini' : 'gpt-4.1',
          input: 'What is the weather in Paris?',
          stream: true,
          ...(scenario === 'reasoning' ? { reasoning: { effort: 'low', summary: 'auto' } } : {}),
        },
      }),
    );

    await expect(events.map((event) => `${event.data}\n`).join('')).toMatchFileSnapshot(
      `./__fixtures__/openai-responses-${scenario}.chunks.txt`,
    );
  });
});
