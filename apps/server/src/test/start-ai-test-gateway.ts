import { createGatewayClient, type GatewayClient } from '@pag/client';
import {
  DEFAULT_FAKE_ANTHROPIC_API_KEY,
  DEFAULT_FAKE_GEMINI_API_KEY,
  DEFAULT_FAKE_OPENAI_API_KEY,
  type FakeAnthropicApi,
  type FakeCodexBackend,
  type FakeCodexModelOptions,
  type FakeGeminiApi,
  type FakeOpenAiApi,
  type FakeOpenAiAuth,
  findFreeLoopbackPort,
  startFakeAnthropicApi,
  startFakeCodexBackend,
  startFakeGeminiApi,
  startFakeOpenAiApi,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import type { Config } from '../config.ts';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import type { ResolveHost } from '../domain/outbound/outbound-policy.ts';
import { buildTestApp, type SignedInClient, signIn, TEST_PASSWORD, type TestApp } from './build-test-app.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';

/** ChatGPT accounts the fake auth.openai.com knows; one per test user, never shared. */
export const FAKE_CHATGPT_ACCOUNTS = ['alice@example.com', 'bob@example.com', 'carol@example.com'] as const;
/** Extra OpenAI keys the fake accepts, so users of the same gateway can hold different keys. */
export const FAKE_OPENAI_KEYS = [
  DEFAULT_FAKE_OPENAI_API_KEY,
  'sk-test-bob-0000000000000001',
  'sk-test-carol-00000000002',
];
export const FAKE_GEMINI_KEYS = [
  DEFAULT_FAKE_GEMINI_API_KEY,
  'AIzaSyTestBob0000000000000000000000001',
  'AIzaSyTestCarol00000000000000000000002',
];
export const FAKE_ANTHROPIC_KEYS = [DEFAULT_FAKE_ANTHROPIC_API_KEY, 'sk-ant-api03-test-bob-0000000000000001'];

export type AiTestUser = {
  userId: string;
  email: string;
  /** A gateway API key (`gwk_…`) and a typed client using it. */
  apiKey: string;
  client: GatewayClient;
  /** A signed-in browser session, for the settings routes. */
  session: SignedInClient;
};

export type AiTestGateway = {
  test: TestApp;
  /** `http://127.0.0.1:<port>` of the listening gateway. */
  url: string;
  fakeAuth: FakeOpenAiAuth;
  fakeCodex: FakeCodexBackend;
  fakeOpenAi: FakeOpenAiApi;
  fakeGemini: FakeGeminiApi;
  fakeAnthropic: FakeAnthropicApi;
  addUser(options: {
    email: string;
    /** Connects this ChatGPT account (an email the fake auth knows). */
    chatgptAccount?: string;
    /** Access-token lifetime of the seeded connection; default an hour. */
    accessTokenTtlSeconds?: number;
    openaiKey?: string;
    geminiKey?: string;
    anthropicKey?: string;
    fallbackToApiKeys?: boolean;
  }): Promise<AiTestUser>;
  /** Calls a session route (cookie + CSRF). */
  sessionRequest(
    user: AiTestUser,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<Response>;
  close(): Promise<void>;
};

/**
 * The whole gateway listening on loopback, in front of every fake upstream (auth.openai.com, the Codex backend,
 * an OpenAI-compatible API, the Gemini API, the Anthropic API): what a note app on the same machine would talk to.
 */
export async function startAiTestGateway(
  options: {
    shouldEcho?: boolean;
    environment?: Record<string, string>;
    upstreamResolve?: ResolveHost;
    config?: Partial<Config>;
    /** The fake Codex backend's catalogue (default: the testkit's). */
    codexModels?: readonly FakeCodexModelOptions[];
    /** False turns the request cache off (issue 22), to measure what it saves. */
    requestCache?: boolean;
  } = {},
): Promise<AiTestGateway> {
  // Echoing fakes answer `echo: <last user message>`, so a test can tell every caller's answer apart.
  const echo = options.shouldEcho === true ? { defaultScenario: 'echo' as const } : {};
  const fakeAuth = await startFakeOpenAiAuth({ accounts: FAKE_CHATGPT_ACCOUNTS.map((email) => ({ email })) });
  const fakeCodex = await startFakeCodexBackend({
    verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth),
    ...echo,
    ...(options.codexModels == null ? {} : { models: options.codexModels }),
  });
  const fakeOpenAi = await startFakeOpenAiApi({ apiKeys: FAKE_OPENAI_KEYS, ...echo });
  const fakeGemini = await startFakeGeminiApi({ apiKeys: FAKE_GEMINI_KEYS, ...echo });
  const fakeAnthropic = await startFakeAnthropicApi({ apiKeys: FAKE_ANTHROPIC_KEYS, ...echo });
  // The public URL must be the address clients really use: it is the MCP resource and the OAuth issuer.
  const port = await findFreeLoopbackPort();
  const test = await buildTestApp(
    {
      GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
      GATEWAY_CHATGPT_BACKEND_URL: fakeCodex.baseUrl,
      GATEWAY_GEMINI_API_URL: fakeGemini.url,
      GATEWAY_ANTHROPIC_API_URL: fakeAnthropic.url,
      GATEWAY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...options.environment,
    },
    {
      ...(options.upstreamResolve == null ? {} : { upstreamResolve: options.upstreamResolve }),
      ...(options.config == null ? {} : { config: options.config }),
      ...(options.requestCache == null ? {} : { requestCache: options.requestCache }),
    },
  );
  const url = await test.app.listen({ host: '127.0.0.1', port });

  const sessionRequest: AiTestGateway['sessionRequest'] = (user, method, path, body) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        cookie: user.session.cookie,
        'x-csrf-token': user.session.csrfToken,
        ...(body == null ? {} : { 'content-type': 'application/json' }),
      },
      ...(body == null ? {} : { body: JSON.stringify(body) }),
    });

  // Sign-ins are rate limited per address; each test user signs in from its own loopback address.
  let signIns = 0;
  const addUser: AiTestGateway['addUser'] = async (options) => {
    const userId =
      options.chatgptAccount == null
        ? (await createUser(test.connections, { email: options.email, password: TEST_PASSWORD, isAdmin: false })).id
        : (
            await seedChatgptConnection({
              context: test.connections,
              fake: fakeAuth,
              email: options.email,
              account: options.chatgptAccount,
              accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
            })
          ).user.id;
    signIns += 1;
    const remoteAddress = `127.0.${Math.floor(signIns / 250)}.${(signIns % 250) + 2}`;
    const session = await signIn(test, { email: options.email, userId, remoteAddress });
    const { secret: key } = await createApiKey(test.connections, { userId, name: 'note app' });
    const user: AiTestUser = {
      userId,
      email: options.email,
      apiKey: key,
      client: createGatewayClient({ baseUrl: url, apiKey: key }),
      session,
    };
    const save = async (provider: 'openai' | 'gemini' | 'anthropic', apiKey: string) => {
      const response = await sessionRequest(user, 'PUT', `/api/credentials/${provider}`, {
        apiKey,
        ...(provider === 'openai' ? { baseUrl: fakeOpenAi.baseUrl } : {}),
      });
      if (response.status !== 200) throw new Error(`saving the ${provider} key failed: ${await response.text()}`);
    };
    if (options.openaiKey != null) await save('openai', options.openaiKey);
    if (options.geminiKey != null) await save('gemini', options.geminiKey);
    if (options.anthropicKey != null) await save('anthropic', options.anthropicKey);
    if (options.fallbackToApiKeys != null) {
      const response = await sessionRequest(user, 'PATCH', '/api/settings', {
        fallbackToApiKeys: options.fallbackToApiKeys,
      });
      if (response.status !== 200) throw new Error(`saving settings failed: ${await response.text()}`);
    }
    return user;
  };

  return {
    test,
    url,
    fakeAuth,
    fakeCodex,
    fakeOpenAi,
    fakeGemini,
    fakeAnthropic,
    addUser,
    sessionRequest,
    async close() {
      await test.close();
      await Promise.all([
        fakeAuth.close(),
        fakeCodex.close(),
        fakeOpenAi.close(),
        fakeGemini.close(),
        fakeAnthropic.close(),
      ]);
    },
  };
}
