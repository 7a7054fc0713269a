import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { FAKE_CODEX_REPLY_TEXT } from '@pag/testkit';
import { jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// The Vercel AI SDK, unmodified, as a client of the gateway's /v1/chat/completions: a streamed answer with a tool
// the SDK executes between two steps, on the subscription (Codex) path and on the API-key path.
let gateway: AiTestGateway;
let user: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({
    email: 'ai-sdk@home.test',
    chatgptAccount: 'carol@example.com',
    openaiKey: 'sk-test-carol-00000000002',
  });
});
afterAll(async () => {
  await gateway?.close();
});

function provider() {
  return createOpenAICompatible({
    name: 'gateway',
    baseURL: `${gateway.url}/v1`,
    apiKey: user.apiKey,
    includeUsage: true,
  });
}

const getWeather = tool({
  description: 'Weather for a city',
  inputSchema: jsonSchema<{ city: string }>({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  }),
  execute: async ({ city }) => ({ city, temperatureC: 21 }),
});

describe('the AI SDK as a client of /v1', () => {
  it('should stream text around a tool call it executes, through the subscription', async () => {
    gateway.fakeCodex.enqueueScenarios('function-call', 'text');
    const result = streamText({
      model: provider().chatModel('chatgpt/gpt-5.5'),
      prompt: 'What is the weather in Paris?',
      tools: { get_weather: getWeather },
      stopWhen: stepCountIs(3),
    });
    const text = await result.text;
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]?.toolCalls[0]).toMatchObject({ toolName: 'get_weather', input: { city: 'Paris' } });
    expect(steps[0]?.finishReason).toBe('tool-calls');
    expect(text).toBe(FAKE_CODEX_REPLY_TEXT);
    expect((await result.totalUsage).outputTokens).toBeGreaterThan(0);
    const second = gateway.fakeCodex.exchanges.at(-1)?.request?.json as { input: Record<string, unknown>[] };
    expect(second.input).toContainEqual(
      expect.objectContaining({
        type: 'function_call_output',
        output: JSON.stringify({ city: 'Paris', temperatureC: 21 }),
      }),
    );
  });

  it('should do the same through the OpenAI-compatible key', async () => {
    gateway.fakeOpenAi.enqueueScenarios('tool-call', 'text');
    const result = streamText({
      model: provider().chatModel('openai/gpt-4.1'),
      prompt: 'What is the weather in Paris?',
      tools: { get_weather: getWeather },
      stopWhen: stepCountIs(3),
    });
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]?.toolCalls[0]?.toolName).toBe('get_weather');
    expect((await result.text).length).toBeGreaterThan(0);
  });
});
