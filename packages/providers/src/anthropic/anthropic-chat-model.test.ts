import type { LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { catchError } from '../test/catch-error.ts';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { createAnthropicChatModel } from './anthropic-chat-model.ts';
import { listAnthropicModels } from './list-anthropic-models.ts';

// The adapter against the strict Anthropic fake over loopback (docs/anthropic-protocol.md, "The Anthropic API as an
// upstream"). testkit is loaded through a non-literal specifier, as in live-fakes.test.ts, so this package's `tsc`
// does not type-check testkit's source; the little used here is typed locally.
type RecordedRequest = { method: string; path: string; json: unknown; headers: Record<string, string | undefined> };
type FakeAnthropic = {
  url: string;
  baseUrl: string;
  requests: readonly RecordedRequest[];
  enqueueScenarios(...inputs: unknown[]): void;
  close(): Promise<void>;
};
type Testkit = {
  DEFAULT_FAKE_ANTHROPIC_API_KEY: string;
  FAKE_ANTHROPIC_THINKING: string;
  startFakeAnthropicApi(options?: { scenarios?: unknown[] }): Promise<FakeAnthropic>;
};
const TESTKIT_ENTRY = '@pag/testkit';
const { DEFAULT_FAKE_ANTHROPIC_API_KEY, FAKE_ANTHROPIC_THINKING, startFakeAnthropicApi } = (await import(
  /* @vite-ignore */ TESTKIT_ENTRY
)) as Testkit;

const MODEL = 'claude-sonnet-4-5-20250929';
const fake = await startFakeAnthropicApi();
afterAll(() => fake.close());

const model = (apiKey = DEFAULT_FAKE_ANTHROPIC_API_KEY) =>
  createAnthropicChatModel({ baseUrl: fake.baseUrl, apiKey, modelId: MODEL });
const THINKING = { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } };
const TOOLS = [
  {
    type: 'function' as const,
    name: 'get_weather',
    inputSchema: { type: 'object' as const, properties: { city: { type: 'string' } } },
  },
];
const ask: LanguageModelV3Prompt = [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }];

const lastBody = () => fake.requests.at(-1)?.json as Record<string, unknown>;

describe('issue 20: the Anthropic adapter against the fake', () => {
  it('issue 20: streams thinking with its signature, then a tool call, and sends both back accepted', async () => {
    fake.enqueueScenarios('tool-use');
    const { stream } = await model().doStream({ prompt: ask, tools: TOOLS, providerOptions: THINKING });
    const parts = await convertStreamToArray(stream);
    const reasoning = parts
      .filter((part) => part.type === 'reasoning-delta')
      .map((part) => (part as { delta: string }).delta)
      .join('');
    expect(reasoning).toBe(FAKE_ANTHROPIC_THINKING);
    const signed = parts.find(
      (part): part is Extract<LanguageModelV3StreamPart, { type: 'reasoning-delta' }> =>
        part.type === 'reasoning-delta' && part.providerMetadata?.anthropic?.signature != null,
    );
    const signature = signed?.providerMetadata?.anthropic?.signature as string;
    expect(signature.length).toBeGreaterThan(20);
    const call = parts.find((part) => part.type === 'tool-call');
    expect(call).toMatchObject({ toolName: 'get_weather', input: '{"city":"Paris"}' });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' } });
    const request = lastBody();
    expect(request).toMatchObject({ model: MODEL, stream: true, thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(fake.requests.at(-1)?.headers['anthropic-version']).toBe('2023-06-01');

    // The next turn: the signed thinking and the call go back, the strict fake checks the signature and pairing.
    const toolCallId = (call as { toolCallId: string }).toolCallId;
    const next = await model().doGenerate({
      tools: TOOLS,
      providerOptions: THINKING,
      prompt: [
        ...ask,
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: FAKE_ANTHROPIC_THINKING, providerOptions: { anthropic: { signature } } },
            { type: 'tool-call', toolCallId, toolName: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId, toolName: 'get_weather', output: { type: 'text', value: '18°C' } },
          ],
        },
      ],
    });
    expect(next.finishReason).toMatchObject({ unified: 'stop' });
    expect((lastBody().messages as unknown[]).length).toBe(3);
  });

  it('issue 20: a refused request, a 429 with retry-after and a 529 become our classes', async () => {
    fake.enqueueScenarios('rate-limit', 'overloaded');
    const limited = await catchError(model().doGenerate({ prompt: ask }));
    expect(limited).toBeInstanceOf(UpstreamApiError);
    expect(limited).toMatchObject({ statusCode: 429, retryAfterSeconds: 1, isRetryable: true });
    const overloaded = await catchError(model().doStream({ prompt: ask }));
    expect(overloaded).toMatchObject({ statusCode: 529, isRetryable: true });
    const refused = await catchError(model().doGenerate({ prompt: ask, stopSequences: ['  '] }));
    expect(refused).toBeInstanceOf(InvalidRequestError);
    expect((refused as Error).message).toBe('stop_sequences: each stop sequence must contain non-whitespace');
    const wrongKey = await catchError(model('sk-ant-wrong').doGenerate({ prompt: ask }));
    expect(wrongKey).toMatchObject({ statusCode: 401, isRetryable: false });
  });

  it('issue 20: an error event mid-stream is an error part after the output, with its class', async () => {
    fake.enqueueScenarios('error-mid-stream');
    const { stream } = await model().doStream({ prompt: ask });
    const parts = await convertStreamToArray(stream);
    expect(parts.some((part) => part.type === 'text-delta')).toBe(true);
    const error = parts.find((part) => part.type === 'error') as { error: unknown } | undefined;
    expect(error?.error).toMatchObject({ statusCode: 529, isRetryable: true });
  });

  it('issue 20: lists models across pages and refuses a wrong key', async () => {
    const models = await listAnthropicModels({ baseUrl: fake.baseUrl, apiKey: DEFAULT_FAKE_ANTHROPIC_API_KEY });
    expect(models[0]).toEqual({ id: MODEL, displayName: 'Claude Sonnet 4.5' });
    expect(models.length).toBeGreaterThan(1);
    const refused = await catchError(listAnthropicModels({ baseUrl: fake.baseUrl, apiKey: 'sk-ant-wrong' }));
    expect(refused).toMatchObject({ statusCode: 401, isRetryable: false });
    expect((refused as Error).message).toMatch(/invalid x-api-key/);
  });
});
