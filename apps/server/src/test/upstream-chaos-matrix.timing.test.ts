import {
  type ChaosFault,
  type ChaosProxy,
  DEFAULT_FAKE_ANTHROPIC_API_KEY,
  DEFAULT_FAKE_GEMINI_API_KEY,
  DEFAULT_FAKE_OPENAI_API_KEY,
  type FakeAnthropicApi,
  type FakeCodexBackend,
  type FakeGeminiApi,
  type FakeOpenAiApi,
  type FakeOpenAiAuth,
  startChaosProxy,
  startFakeAnthropicApi,
  startFakeCodexBackend,
  startFakeGeminiApi,
  startFakeOpenAiApi,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCredentials, connections } from '../db/schema.ts';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { saveApiCredential } from '../domain/credentials/save-api-credential.ts';
import { buildTestApp, TEST_PASSWORD, type TestApp } from './build-test-app.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';

// Issue 16, the fault-injection matrix: every upstream (the subscription's Codex backend, an OpenAI-compatible key,
// a Gemini key, an Anthropic key) × every API (/api/ai/chat, /api/ai/stream, /v1/chat/completions and /v1/responses,
// each streamed and not) × each fault the TCP-level chaos proxy makes (@pag/testkit startChaosProxy). Per case: the typed outcome
// (504 upstream_timeout or 502 upstream_unavailable before any output; after output, the API's own error event and
// the end of the stream; a slow but whole answer succeeds), no hang past the timeout plus a margin, no connection
// left open at the proxy, and nothing written that should not be (the stored connection and keys unchanged, no
// partial answer dressed as a complete one, a held request never reaching the upstream).
//
// Every connection through a proxy meets the fault of the running group (`setDefault`), and the fakes answer with
// `Connection: close`: so each request, and each retry of the Codex adapter, opens its own connection and meets the
// fault, whatever the order the 18 concurrent cases of a group connect in, and a connection still open at the end of
// a group is a leak, not a kept-alive idle one.
//
// A timing test (vitest.timing.config.ts, with retries): each case is bounded in wall time, and whether a reset
// connection ends as 502 or 504 depends on the adapter's retries fitting in the 500 ms first-byte budget, which a
// busy machine (other test files run meanwhile) can stretch.

const FIRST_BYTE_TIMEOUT_MS = 500;
const IDLE_TIMEOUT_MS = 300;
/** undici checks its timers on a coarse clock (up to about a second late); the rest is the request itself. */
const MARGIN_MS = 2000;
/**
 * The answer every fake gives: long enough that the fault's byte offset lands after the first text delta and before
 * the end in every upstream's answer (the smallest, the OpenAI-compatible JSON answer, is about 7 kB; the Codex
 * backend's first delta begins about 3 kB in), and made of numbered words so a complete answer is easy to tell.
 */
const ANSWER_TEXT = Array.from({ length: 999 }, (_word, index) => `w${String(index + 1).padStart(4, '0')}`).join(' ');
const DELTA_COUNT = 40;
/** Past the first text delta, before the end, in every upstream's answer (headers included). */
const MID_ANSWER_BYTES = 5000;
const DRIP: ChaosFault = { kind: 'drip', bytesPerChunk: 512, delayMs: 20 };

type Upstream = 'chatgpt' | 'openai' | 'gemini' | 'anthropic';
const MODELS: Record<Upstream, string> = {
  chatgpt: 'chatgpt/gpt-5.5',
  openai: 'openai/gpt-4.1',
  gemini: 'gemini/gemini-2.5-flash',
  anthropic: 'anthropic/claude-sonnet-4-5-20250929',
};
/** The upstream path a model request arrives at, per upstream. */
const MODEL_PATHS: Record<Upstream, RegExp> = {
  chatgpt: /\/codex\/responses$/,
  openai: /\/v1\/chat\/completions$/,
  gemini: /:(stream)?[gG]enerateContent$/,
  anthropic: /\/v1\/messages$/,
};

type Api = { name: string; path: string; isStreamed: boolean; body(model: string): Record<string, unknown> };
const APIS: readonly Api[] = [
  { name: '/api/ai/chat', path: '/api/ai/chat', isStreamed: false, body: (model) => ({ model, content: 'Hi' }) },
  { name: '/api/ai/stream', path: '/api/ai/stream', isStreamed: true, body: (model) => ({ model, content: 'Hi' }) },
  {
    name: '/v1/chat/completions',
    path: '/v1/chat/completions',
    isStreamed: false,
    body: (model) => ({ model, messages: [{ role: 'user', content: 'Hi' }] }),
  },
  {
    name: '/v1/chat/completions streamed',
    path: '/v1/chat/completions',
    isStreamed: true,
    body: (model) => ({ model, messages: [{ role: 'user', content: 'Hi' }], stream: true }),
  },
  { name: '/v1/responses', path: '/v1/responses', isStreamed: false, body: (model) => ({ model, input: 'Hi' }) },
  {
    name: '/v1/responses streamed',
    path: '/v1/responses',
    isStreamed: true,
    body: (model) => ({ model, input: 'Hi', stream: true }),
  },
];

/** What a case ended as, in a form the expectations can be written in. */
type Outcome = {
  status: number;
  /** `error <code>` (a JSON error), `error event <code>` (a stream that ended with its error), `complete`, or what else came. */
  ending: string;
};

type FaultCase = {
  name: string;
  fault: ChaosFault;
  /** What every API answers when the fault hits before any output reached the client, or what a stream ends with. */
  expected(api: Api): Outcome;
  /** How long a case may take at most. */
  boundMs: number;
};

const timeout = (api: Api, isAfterOutput: boolean): Outcome =>
  api.isStreamed && isAfterOutput
    ? { status: 200, ending: 'error event upstream_timeout' }
    : { status: 504, ending: 'error upstream_timeout' };
const unavailable = (api: Api, isAfterOutput: boolean): Outcome =>
  api.isStreamed && isAfterOutput
    ? { status: 200, ending: 'error event upstream_unavailable' }
    : { status: 502, ending: 'error upstream_unavailable' };

const FAULTS: readonly FaultCase[] = [
  {
    name: 'stall before the answer',
    fault: { kind: 'stall', afterBytes: 0 },
    expected: (api) => timeout(api, false),
    boundMs: FIRST_BYTE_TIMEOUT_MS + MARGIN_MS,
  },
  {
    name: 'hold the request beyond the first-byte timeout',
    fault: { kind: 'hold' },
    expected: (api) => timeout(api, false),
    boundMs: FIRST_BYTE_TIMEOUT_MS + MARGIN_MS,
  },
  {
    name: 'stall mid-answer',
    fault: { kind: 'stall', afterBytes: MID_ANSWER_BYTES },
    expected: (api) => timeout(api, true),
    boundMs: IDLE_TIMEOUT_MS + MARGIN_MS,
  },
  {
    name: 'cut mid-answer',
    fault: { kind: 'cut', afterBytes: MID_ANSWER_BYTES },
    expected: (api) => unavailable(api, true),
    boundMs: MARGIN_MS,
  },
  {
    name: 'reset mid-answer',
    fault: { kind: 'reset', afterBytes: MID_ANSWER_BYTES },
    expected: (api) => unavailable(api, true),
    boundMs: MARGIN_MS,
  },
  {
    name: 'reset as the connection opens',
    fault: { kind: 'reset', afterBytes: 0 },
    expected: (api) => unavailable(api, false),
    // The Codex adapter retries a connection failure within the first-byte budget (docs/codex-protocol.md §7.1).
    boundMs: FIRST_BYTE_TIMEOUT_MS + MARGIN_MS,
  },
  {
    name: 'drip the answer slowly',
    fault: DRIP,
    expected: () => ({ status: 200, ending: 'complete' }),
    // The Codex stream (about 44 kB) drips in about 1.8 s: longer than both timeouts, each gap far shorter.
    boundMs: 10_000,
  },
];

let fakeAuth: FakeOpenAiAuth;
let fakeCodex: FakeCodexBackend;
let fakeOpenAi: FakeOpenAiApi;
let fakeGemini: FakeGeminiApi;
let fakeAnthropic: FakeAnthropicApi;
let proxies: Record<Upstream, ChaosProxy>;
let test: TestApp;
let url: string;
const apiKeys = {} as Record<Upstream, string>;

beforeAll(async () => {
  fakeAuth = await startFakeOpenAiAuth({ accounts: [{ email: 'owner@example.com' }] });
  fakeCodex = await startFakeCodexBackend({
    verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth),
    closeConnections: true,
    defaultScenario: { kind: 'stream', text: ANSWER_TEXT, deltaCount: DELTA_COUNT },
  });
  const reply = { kind: 'reply', text: ANSWER_TEXT } as const;
  fakeOpenAi = await startFakeOpenAiApi({ closeConnections: true, defaultScenario: reply, chunkCount: DELTA_COUNT });
  fakeGemini = await startFakeGeminiApi({ closeConnections: true, defaultScenario: reply, chunkCount: DELTA_COUNT });
  fakeAnthropic = await startFakeAnthropicApi({
    closeConnections: true,
    defaultScenario: reply,
    chunkCount: DELTA_COUNT,
  });
  proxies = {
    chatgpt: await startChaosProxy({ target: fakeCodex.url }),
    openai: await startChaosProxy({ target: fakeOpenAi.url }),
    gemini: await startChaosProxy({ target: fakeGemini.url }),
    anthropic: await startChaosProxy({ target: fakeAnthropic.url }),
  };
  test = await buildTestApp(
    {
      GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
      GATEWAY_CHATGPT_BACKEND_URL: `${proxies.chatgpt.url}/backend-api`,
      GATEWAY_GEMINI_API_URL: proxies.gemini.url,
      GATEWAY_ANTHROPIC_API_URL: proxies.anthropic.url,
    },
    { config: { upstreamFirstByteTimeoutMs: FIRST_BYTE_TIMEOUT_MS, upstreamIdleTimeoutMs: IDLE_TIMEOUT_MS } },
  );
  url = await test.app.listen({ host: '127.0.0.1', port: 0 });

  // One user per upstream, each with only that upstream set up: no fallback can hide a fault.
  const { user } = await seedChatgptConnection({
    context: test.connections,
    fake: fakeAuth,
    accessTokenTtlSeconds: 3600,
  });
  apiKeys.chatgpt = (await createApiKey(test.connections, { userId: user.id, name: 'chaos' })).secret;
  const keys = {
    openai: DEFAULT_FAKE_OPENAI_API_KEY,
    gemini: DEFAULT_FAKE_GEMINI_API_KEY,
    anthropic: DEFAULT_FAKE_ANTHROPIC_API_KEY,
  };
  for (const provider of ['openai', 'gemini', 'anthropic'] as const) {
    const member = await createUser(test.connections, {
      email: `${provider}@example.com`,
      password: TEST_PASSWORD,
      isAdmin: false,
    });
    await saveApiCredential(test.connections, {
      userId: member.id,
      provider,
      apiKey: keys[provider],
      baseUrl: provider === 'openai' ? `${proxies.openai.url}/v1` : null,
      validate: async () => {},
    });
    apiKeys[provider] = (await createApiKey(test.connections, { userId: member.id, name: 'chaos' })).secret;
  }
  // Each provider's model catalogue is fetched once and cached; fetch it now, through a clean proxy, so every
  // faulted connection below carries a model request.
  for (const upstream of Object.keys(MODELS) as Upstream[]) {
    const answer = await send(upstream, APIS[0] as Api);
    if (answer.outcome.ending !== 'complete') throw new Error(`warm-up of ${upstream}: ${JSON.stringify(answer)}`);
  }
  for (const proxy of Object.values(proxies)) await proxy.waitForNoConnections(2000);
}, 30_000);

afterAll(async () => {
  await test?.close();
  await Promise.all([
    ...Object.values(proxies ?? {}).map((proxy) => proxy.close()),
    fakeAuth?.close(),
    fakeCodex?.close(),
    fakeOpenAi?.close(),
    fakeGemini?.close(),
    fakeAnthropic?.close(),
  ]);
});

async function send(
  upstream: Upstream,
  api: Api,
): Promise<{ outcome: Outcome; retryAfter: string | null; ms: number }> {
  const startedAt = performance.now();
  const response = await fetch(`${url}${api.path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKeys[upstream]}`, 'content-type': 'application/json' },
    body: JSON.stringify(api.body(MODELS[upstream])),
    // Far past every bound: a hang fails the case with its own message instead of the whole test timing out.
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  return {
    outcome: { status: response.status, ending: describeEnding({ api, status: response.status, text }) },
    retryAfter: response.headers.get('retry-after'),
    ms: performance.now() - startedAt,
  };
}

/** An SSE body as events: the `event:` name (if any) and the parsed `data:` (JSON, else the raw text). */
function readEvents(text: string): { event: string | undefined; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.split('\n').some((line) => line.startsWith('data: ')))
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      try {
        return { event, data: JSON.parse(data) as unknown };
      } catch {
        return { event, data };
      }
    });
}

type Json = Record<string, unknown> & {
  error?: { code?: string };
  type?: string;
  code?: string;
  delta?: string;
  text?: string;
  response?: { error?: { code?: string } };
  choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
};

/**
 * How the answer ended. A stream is `complete` only with its success terminal (`done`, `[DONE]` after a `stop`,
 * `response.completed`) and the whole text; `error event <code>` only if its last event is the API's error and no
 * success terminal came before it. A JSON answer is `complete` only with the whole text.
 */
function describeEnding(options: { api: Api; status: number; text: string }): string {
  const { api, status, text } = options;
  const isEventStream = api.isStreamed && status === 200;
  if (!isEventStream) {
    let body: Json;
    try {
      body = JSON.parse(text) as Json;
    } catch {
      return `unparsable ${text.slice(0, 80)}`;
    }
    if (status !== 200) return `error ${body.error?.code}`;
    const answer =
      api.path === '/api/ai/chat'
        ? body.content
        : api.path === '/v1/chat/completions'
          ? (body.choices as { message?: { content?: string } }[] | undefined)?.[0]?.message?.content
          : (body.output as { content?: { text?: string }[] }[] | undefined)?.flatMap((item) =>
              (item.content ?? []).map((part) => part.text),
            )[0];
    return answer === ANSWER_TEXT ? 'complete' : `200 with another answer: ${String(answer).slice(0, 80)}`;
  }
  const events = readEvents(text);
  const last = events.at(-1);
  const data = (last?.data ?? {}) as Json;
  let assembled = '';
  let isSuccessful = false;
  for (const { event, data: item } of events) {
    const json = (typeof item === 'object' && item != null ? item : {}) as Json;
    if (api.path === '/api/ai/stream') {
      if (event === 'delta') assembled += json.text ?? '';
      if (event === 'done') isSuccessful = true;
    } else if (api.path === '/v1/chat/completions') {
      assembled += json.choices?.[0]?.delta?.content ?? '';
      if (item === '[DONE]') isSuccessful = true;
    } else {
      if (event === 'response.output_text.delta') assembled += json.delta ?? '';
      if (event === 'response.completed') isSuccessful = true;
    }
  }
  if (isSuccessful)
    return assembled === ANSWER_TEXT ? 'complete' : `complete-looking but partial (${assembled.length})`;
  if (api.path === '/api/ai/stream' && last?.event === 'error') return `error event ${data.code}`;
  if (api.path === '/v1/chat/completions' && data.error != null) return `error event ${data.error.code}`;
  if (api.path === '/v1/responses' && last?.event === 'response.failed')
    return `error event ${data.response?.error?.code}`;
  return `ended without a terminal event (last ${last?.event ?? JSON.stringify(last?.data)?.slice(0, 80)})`;
}

/** The stored connection and keys, minus the rate-limit snapshot a begun answer legitimately refreshes. */
async function storedSecrets(): Promise<unknown> {
  return {
    connections: await test.db
      .select({
        id: connections.id,
        state: connections.state,
        stateReason: connections.stateReason,
        version: connections.version,
        idTokenCiphertext: connections.idTokenCiphertext,
        accessTokenCiphertext: connections.accessTokenCiphertext,
        refreshTokenCiphertext: connections.refreshTokenCiphertext,
        accessTokenExpiresAt: connections.accessTokenExpiresAt,
        refreshLeaseOwner: connections.refreshLeaseOwner,
        refreshInterruptedAt: connections.refreshInterruptedAt,
        nextRefreshAttemptAt: connections.nextRefreshAttemptAt,
        refreshFailureCount: connections.refreshFailureCount,
        lastRefreshAt: connections.lastRefreshAt,
      })
      .from(connections)
      .orderBy(asc(connections.id)),
    credentials: await test.db.select().from(apiCredentials).orderBy(asc(apiCredentials.id)),
  };
}

function modelRequestCount(upstream: Upstream): number {
  const fake = { chatgpt: fakeCodex, openai: fakeOpenAi, gemini: fakeGemini, anthropic: fakeAnthropic }[upstream];
  return fake.requests.filter((request) => MODEL_PATHS[upstream].test(request.path)).length;
}

const UPSTREAMS = Object.keys(MODELS) as Upstream[];
let casesRun = 0;
const startedAt = performance.now();

describe('issue 16: the chaos matrix (every upstream × every API × each TCP fault)', () => {
  for (const faultCase of FAULTS) {
    it(`issue 16: ${faultCase.name}`, async () => {
      for (const proxy of Object.values(proxies)) proxy.setDefault(faultCase.fault);
      const before = await storedSecrets();
      const refreshesBefore = fakeAuth.findRequests({ method: 'POST', path: '/oauth/token' }).length;
      const modelRequestsBefore = Object.fromEntries(
        UPSTREAMS.map((upstream) => [upstream, modelRequestCount(upstream)]),
      );
      const cases = UPSTREAMS.flatMap((upstream) => APIS.map((api) => ({ upstream, api })));
      try {
        const results = await Promise.all(
          cases.map(async ({ upstream, api }) => ({ upstream, api, ...(await send(upstream, api)) })),
        );
        casesRun += results.length;
        for (const result of results) {
          process.stdout.write(
            `chaos: ${faultCase.name} · ${result.upstream} · ${result.api.name}: ${result.outcome.status} ` +
              `${result.outcome.ending} in ${result.ms.toFixed(0)} ms\n`,
          );
        }
        // The typed outcome of every case, as one table so a failure shows every case that differs.
        expect(
          results.map(
            (result) => `${result.upstream} ${result.api.name}: ${result.outcome.status} ${result.outcome.ending}`,
          ),
        ).toEqual(
          cases.map(({ upstream, api }) => {
            const expected = faultCase.expected(api);
            return `${upstream} ${api.name}: ${expected.status} ${expected.ending}`;
          }),
        );
        // An error before output tells the client when to come back.
        for (const result of results.filter((candidate) => candidate.outcome.status >= 500)) {
          expect(result.retryAfter, `${result.upstream} ${result.api.name}`).toMatch(/^\d+$/);
        }
        // No hang: every case ends within its timeout and a margin.
        const slowest = results.reduce((worst, result) => (result.ms > worst.ms ? result : worst));
        expect(slowest.ms, `${slowest.upstream} ${slowest.api.name}`).toBeLessThan(faultCase.boundMs);
      } finally {
        for (const proxy of Object.values(proxies)) proxy.setDefault({ kind: 'pass' });
      }
      // No leaked socket: the gateway let go of every faulted connection (the fakes keep none alive).
      for (const [upstream, proxy] of Object.entries(proxies)) {
        await expect(proxy.waitForNoConnections(1000), upstream).resolves.toBeUndefined();
      }
      // Nothing written that should not be: no refresh, no token or key rewritten, no connection marked broken.
      expect(await storedSecrets()).toEqual(before);
      expect(fakeAuth.findRequests({ method: 'POST', path: '/oauth/token' })).toHaveLength(refreshesBefore);
      if (faultCase.fault.kind === 'hold') {
        // A held request never reached the upstream: the gateway gave up on it before the proxy let it through.
        for (const upstream of UPSTREAMS)
          expect(modelRequestCount(upstream), upstream).toBe(modelRequestsBefore[upstream]);
      }
    }, 30_000);
  }

  it('issue 16: ran every case of the matrix', () => {
    expect(casesRun).toBe(FAULTS.length * UPSTREAMS.length * APIS.length);
    process.stdout.write(
      `chaos matrix: ${casesRun} cases (${UPSTREAMS.length} upstreams × ${APIS.length} APIs × ${FAULTS.length} faults) ` +
        `in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`,
    );
  });
});
