import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_FAKE_GOOGLE_CLIENT,
  findFreeLoopbackPort,
  startFakeCodexBackend,
  startFakeGeminiApi,
  startFakeGoogleOAuth,
  startFakeOpenAiApi,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { ARTIFACTS_DIR, WEB_DIST_INDEX } from './paths.ts';
import { startGatewayProcess } from './start-gateway-process.ts';

const GOOGLE_CLIENT = {
  clientId: DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
  clientSecret: DEFAULT_FAKE_GOOGLE_CLIENT.clientSecret,
};

/**
 * Starts the real server on a free loopback port with an empty data directory, waits until it is healthy and
 * has printed its setup link, and hands the base URL and setup token to the tests through the environment.
 * Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(WEB_DIST_INDEX)) {
    throw new Error(`The web UI is not built (${WEB_DIST_INDEX} is missing). Run: pnpm --filter @pag/web build`);
  }

  await mkdir(ARTIFACTS_DIR, { recursive: true });
  // The upstreams the UI connects to, faked on loopback in this (the runner's) process for the whole run; tests
  // drive them through their HTTP test hooks (`/__testkit/…`), e.g. to approve a device code.
  const fakeAuth = await startFakeOpenAiAuth({ deviceInterval: '1' });
  const fakeOpenAi = await startFakeOpenAiApi();
  const fakeCodex = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth) });
  const port = await findFreeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // A Google OAuth client as the user would register it in Google Cloud, for the gateway's public URL.
  const fakeGoogle = await startFakeGoogleOAuth({
    autoApprove: true,
    clients: [{ ...GOOGLE_CLIENT, redirectUris: [`${baseUrl}/api/connections/google/callback`] }],
  });
  const fakeGemini = await startFakeGeminiApi({
    verifyAccessToken: (token) => {
      const info = fakeGoogle.verifyAccessToken(token);
      return info == null ? false : { email: info.email, scopes: info.scopes };
    },
  });
  // The upstream settings every gateway of the run uses (specs may start their own, with a fresh database).
  const upstreams = {
    GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
    GATEWAY_CHATGPT_BACKEND_URL: fakeCodex.baseUrl,
    GATEWAY_GOOGLE_AUTH_URL: fakeGoogle.authorizationEndpoint,
    GATEWAY_GOOGLE_TOKEN_URL: fakeGoogle.tokenEndpoint,
    GATEWAY_GOOGLE_REVOKE_URL: fakeGoogle.revocationEndpoint,
    GATEWAY_GEMINI_API_URL: fakeGemini.url,
    // The fake OpenAI-compatible API listens on loopback, which the outbound policy refuses by default.
    GATEWAY_ALLOW_PRIVATE_UPSTREAMS: 'true',
    // The browser and the specs' API clients all connect from 127.0.0.1, where sign-ins are limited to 5 a minute;
    // trusting the loopback proxy lets an API client name another address (x-forwarded-for) for its own sign-ins.
    GATEWAY_TRUST_PROXY: '127.0.0.1',
  };
  const closeFakes = () =>
    Promise.all([fakeAuth.close(), fakeOpenAi.close(), fakeCodex.close(), fakeGoogle.close(), fakeGemini.close()]);

  let gateway: Awaited<ReturnType<typeof startGatewayProcess>>;
  try {
    gateway = await startGatewayProcess({
      port,
      environment: upstreams,
      logFile: join(ARTIFACTS_DIR, 'server.log'),
    });
  } catch (error) {
    await closeFakes();
    throw error;
  }
  process.env.E2E_BASE_URL = gateway.baseUrl;
  process.env.E2E_SETUP_TOKEN = gateway.setupToken;
  process.env.E2E_UPSTREAM_ENVIRONMENT = JSON.stringify(upstreams);
  process.env.E2E_FAKE_AUTH_URL = fakeAuth.url;
  process.env.E2E_FAKE_OPENAI_URL = fakeOpenAi.baseUrl;
  process.env.E2E_FAKE_CODEX_URL = fakeCodex.url;
  process.env.E2E_GOOGLE_CLIENT_ID = GOOGLE_CLIENT.clientId;
  process.env.E2E_GOOGLE_CLIENT_SECRET = GOOGLE_CLIENT.clientSecret;

  return async () => {
    await gateway.stop();
    await closeFakes();
  };
}
