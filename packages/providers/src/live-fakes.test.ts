import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createCodexChatModel } from './codex/codex-chat-model.ts';
import type { CodexChatModelSettings } from './codex/codex-options.ts';
import { createUpstreamFetch } from './common/create-upstream-fetch.ts';
import { UsageLimitError } from './errors/usage-limit-error.ts';
import { createGeminiChatModel } from './gemini/gemini-chat-model.ts';
import { listGeminiModels } from './gemini/list-gemini-models.ts';
import { listOpenAiCompatibleModels } from './openai/list-openai-compatible-models.ts';
import { createOpenAiCompatibleChatModel } from './openai/openai-chat-model.ts';
import { checkScenario, runModel } from './test/check-scenario.ts';
import { toAssistantMessage } from './test/to-assistant-message.ts';

// The adapters against the strict fake upstreams of @pag/testkit over real loopback HTTP: every preset scenario,
// plus the request checks only a fake can make (unknown parameters, thought signatures, session headers).
//
// testkit is loaded through a non-literal specifier, so `tsc` on this package does not type-check testkit's source
// (its own typecheck does that); the little of its API used here is typed locally.

type FakeUpstream = { url: string; baseUrl?: string; close(): Promise<void> };
type Testkit = {
  DEFAULT_FAKE_OPENAI_API_KEY: string;
  DEFAULT_FAKE_GEMINI_API_KEY: string;
  FAKE_OPENAI_SCENARIOS: Record<string, unknown>;
  FAKE_GEMINI_SCENARIOS: Record<string, unknown>;
  startFakeOpenAiApi(options?: { defaultScenario?: string }): Promise<FakeUpstream & { baseUrl: string }>;
  startFakeGeminiApi(options?: { defaultScenario?: string; scenarios?: string[] }): Promise<FakeUpstream>;
};
const TESTKIT_ENTRY = '@pag/testkit';
const {
  DEFAULT_FAKE_GEMINI_API_KEY,
  DEFAULT_FAKE_OPENAI_API_KEY,
  FAKE_GEMINI_SCENARIOS,
  FAKE_OPENAI_SCENARIOS,
  startFakeGeminiApi,
  startFakeOpenAiApi,
} = (await import(/* @vite-ignore */ TESTKIT_ENTRY)) as Testkit;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('OpenAI-compatible adapter against the fake OpenAI API', () => {
  it.each(Object.keys(FAKE_OPENAI_SCENARIOS))('scenario %s', async (scenario) => {
    const fake = await startFakeOpenAiApi({ defaultScenario: scenario });
    closers.push(() => fake.close());
    const model = createOpenAiCompatibleChatModel({
      baseUrl: fake.baseUrl,
      apiKey: DEFAULT_FAKE_OPENAI_API_KEY,
      modelId: scenario === 'reasoning' ? 'gpt-5-mini' : 'gpt-4o-mini',
      providerName: 'openai',
    });
    checkScenario(scenario, await runModel(model));
  });

  it('should list the models', async () => {
    const fake = await startFakeOpenAiApi();
    closers.push(() => fake.close());
    const models = await listOpenAiCompatibleModels({ baseUrl: fake.baseUrl, apiKey: DEFAULT_FAKE_OPENAI_API_KEY });
    expect(models.map((model) => model.id)).toContain('gpt-4o-mini');
  });
});

describe('Gemini adapter against the fake Gemini API', () => {
  it.each(Object.keys(FAKE_GEMINI_SCENARIOS))('scenario %s', async (scenario) => {
    const fake = await startFakeGeminiApi({ defaultScenario: scenario });
    closers.push(() => fake.close());
    const model = createGeminiChatModel({
      baseUrl: `${fake.url}/v1beta`,
      modelId: 'gemini-3.5-flash',
      auth: { apiKey: DEFAULT_FAKE_GEMINI_API_KEY },
    });
    // Gemini returns thoughts only when asked to (the AI SDK does not ask by default).
    const providerOptions = { google: { thinkingConfig: { includeThoughts: true } } };
    checkScenario(scenario, await runModel(model, undefined, { providerOptions }));
  });

  it('should resend thought signatures so the fake (which enforces them on gemini-3*) accepts the next turn', async () => {
    const fake = await startFakeGeminiApi({ scenarios: ['parallel-function-calls', 'text'] });
    closers.push(() => fake.close());
    const model = createGeminiChatModel({
      baseUrl: `${fake.url}/v1beta`,
      modelId: 'gemini-3.5-flash',
      auth: { apiKey: DEFAULT_FAKE_GEMINI_API_KEY },
    });
    const prompt = [
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Weather and time in Paris?' }] },
    ];
    const first = await runModel(model, prompt);
    if (!('parts' in first)) throw first.thrown;
    const calls = first.parts.flatMap((part) => (part.type === 'tool-call' ? [part] : []));
    expect(calls).toHaveLength(2);
    const second = await runModel(model, [
      ...prompt,
      {
        role: 'assistant',
        content: calls.map((call) => ({
          type: 'tool-call' as const,
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          input: JSON.parse(call.input) as unknown,
          ...(call.providerMetadata != null ? { providerOptions: call.providerMetadata } : {}),
        })),
      },
      {
        role: 'tool',
        content: calls.map((call) => ({
          type: 'tool-result' as const,
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          output: { type: 'json' as const, value: { ok: true } },
        })),
      },
    ]);
    checkScenario('text', second);
  });

  it('should list the models', async () => {
    const fake = await startFakeGeminiApi();
    closers.push(() => fake.close());
    const models = await listGeminiModels({
      baseUrl: `${fake.url}/v1beta`,
      auth: { apiKey: DEFAULT_FAKE_GEMINI_API_KEY },
    });
    expect(models.filter((model) => model.supportsChat).map((model) => model.id)).toContain('gemini-3.5-flash');
    expect(models.find((model) => model.id === 'gemini-embedding-001')?.supportsChat).toBe(false);
  });
});

// The fake Codex backend is not exported from @pag/testkit (yet); it is loaded from its file when present.
const CODEX_BACKEND = fileURLToPath(new URL('../../testkit/src/codex-backend/codex-backend-fake.ts', import.meta.url));
const CODEX_SCENARIOS = fileURLToPath(
  new URL('../../testkit/src/codex-backend/fake-codex-scenario.ts', import.meta.url),
);
const hasCodexBackend = existsSync(CODEX_BACKEND) && existsSync(CODEX_SCENARIOS);

type FakeCodexBackend = {
  baseUrl: string;
  close(): Promise<void>;
  exchanges: ReadonlyArray<{ request?: { headers?: Record<string, unknown> } }>;
  requests: ReadonlyArray<{ headers: Record<string, unknown>; path?: string; url?: string }>;
  rejectAccessToken(options?: { token?: string; times?: number }): void;
};

async function startFakeCodexBackend(defaultScenario: string): Promise<FakeCodexBackend> {
  const module = (await import(/* @vite-ignore */ CODEX_BACKEND)) as {
    startFakeCodexBackend(options: { defaultScenario: string }): Promise<FakeCodexBackend>;
  };
  const backend = await module.startFakeCodexBackend({ defaultScenario });
  closers.push(() => backend.close());
  return backend;
}

/** An unsigned JWT with the claims the fake's default verifier reads. */
function createAccessToken(accountId: string, suffix = ''): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    exp: Math.floor(Date.now() / 1000) + 3600,
    'https://api.openai.com/auth': { chatgpt_account_id: accountId, chatgpt_plan_type: 'plus' },
    jti: `token${suffix}`,
  };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

const upstreamFetch = createUpstreamFetch({ connectTimeoutMs: 5000, firstByteTimeoutMs: 5000, idleTimeoutMs: 5000 });
afterAll(() => upstreamFetch.close());

function createCodexModel(baseUrl: string, overrides: Partial<CodexChatModelSettings> = {}) {
  return createCodexChatModel({
    modelId: 'gpt-5.5',
    baseUrl,
    getCredentials: async () => ({ accessToken: createAccessToken('acct-live'), accountId: 'acct-live' }),
    conversationId: '01a209a7-7fb3-7f32-aa02-2b7ce5753d0d',
    originator: 'pag_gateway',
    userAgent: 'pag_gateway/0.1.0',
    // A fake that stops answering fails the scenario in seconds instead of holding it until the test times out.
    fetch: upstreamFetch,
    ...overrides,
  });
}

const codexScenarioNames: string[] = hasCodexBackend
  ? Object.keys(
      ((await import(/* @vite-ignore */ CODEX_SCENARIOS)) as { FAKE_CODEX_SCENARIOS: object }).FAKE_CODEX_SCENARIOS,
    )
  : [];

describe.skipIf(!hasCodexBackend)('Codex adapter against the fake Codex backend', () => {
  it.each(codexScenarioNames)('scenario %s', async (scenario) => {
    const backend = await startFakeCodexBackend(scenario);
    const outcome = await runModel(createCodexModel(backend.baseUrl), [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ]);
    checkScenario(scenario, outcome);
  });

  it('should have a full tool round trip (reasoning replay, function call and output) accepted', async () => {
    const backend = await startFakeCodexBackend('text');
    const model = createCodexModel(backend.baseUrl);
    const tools = [
      {
        type: 'function' as const,
        name: 'get_weather',
        description: 'Weather for a city',
        inputSchema: { type: 'object' as const, properties: { city: { type: 'string' as const } }, required: ['city'] },
      },
    ];
    const prompt = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Weather in Paris?' }] },
    ];
    (backend as unknown as { enqueueScenarios(...names: string[]): void }).enqueueScenarios('function-call');
    const first = await model.doGenerate({ prompt, tools, providerOptions: { codex: { reasoningEffort: 'low' } } });
    const call = first.content.find((part) => part.type === 'tool-call');
    if (call?.type !== 'tool-call') throw new Error('expected a tool call');
    const second = await runModel(
      model,
      [
        ...prompt,
        toAssistantMessage(first.content),
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: call.toolCallId,
              toolName: call.toolName,
              output: { type: 'text', value: '18°C' },
            },
          ],
        },
      ],
      { tools },
    );
    checkScenario('text', second);
  });

  it('should refresh once after a 401 and succeed', async () => {
    const backend = await startFakeCodexBackend('text');
    backend.rejectAccessToken({ times: 1 });
    // The tokens as handed out: one made again later could carry another `exp` (a second boundary passed).
    const issued: string[] = [];
    const getCredentials = vi.fn<CodexChatModelSettings['getCredentials']>(async () => {
      issued.push(createAccessToken('acct-live', String(issued.length + 1)));
      return { accessToken: issued.at(-1) as string, accountId: 'acct-live' };
    });
    const outcome = await runModel(createCodexModel(backend.baseUrl, { getCredentials }));
    checkScenario('text', outcome);
    expect(getCredentials).toHaveBeenCalledTimes(2);
    expect(getCredentials.mock.calls[1]?.[0]).toEqual({ rejectedAccessToken: issued[0] });
  });

  it('should surface usage limits with the reset time and the rate-limit snapshot', async () => {
    const backend = await startFakeCodexBackend('usage-limit');
    const onRateLimits = vi.fn();
    const outcome = await runModel(createCodexModel(backend.baseUrl, { onRateLimits }));
    expect('thrown' in outcome && outcome.thrown).toBeInstanceOf(UsageLimitError);
    const error = (outcome as { thrown: UsageLimitError }).thrown;
    expect(error.resetsAt).toBeInstanceOf(Date);
    expect(error.rateLimits?.primary?.usedPercent).toBeTypeOf('number');
    expect(onRateLimits).toHaveBeenCalled();
  });
});
