import type { JWK } from 'jose';
import { CodedTypeError } from '../coded-type-error.ts';
import { createRouter } from '../create-router.ts';
import { sendJson } from '../send-json.ts';
import type { FakeServer } from '../start-fake-server.ts';
import { startFakeServer } from '../start-fake-server.ts';
import type { FakeOpenAiAuthHooks } from './create-fake-openai-auth-hooks.ts';
import { createFakeOpenAiAuthHooks } from './create-fake-openai-auth-hooks.ts';
import { createFakeOpenAiAuthStore } from './create-fake-openai-auth-store.ts';
import { createOpenAiTokenMinter } from './create-openai-token-minter.ts';
import type { FakeOpenAiAccount, FakeOpenAiAccountOptions } from './fake-openai-account.ts';
import { createFakeOpenAiAccounts } from './fake-openai-account.ts';
import type { FakeOpenAiAuthContext } from './fake-openai-auth-context.ts';
import type { FakeOpenAiAuthModes } from './fake-openai-auth-modes.ts';
import { DEFAULT_FAKE_OPENAI_AUTH_MODES, validateFakeOpenAiAuthModes } from './fake-openai-auth-modes.ts';
import { forwardLoopbackPort } from './forward-loopback-port.ts';
import { OPENAI_CODEX_CLIENT_ID, OPENAI_ISSUER } from './openai-auth-constants.ts';
import { registerAuthorizeRoutes } from './register-authorize-routes.ts';
import { registerDeviceRoutes } from './register-device-routes.ts';
import { registerTestHookRoutes } from './register-test-hook-routes.ts';
import { registerTokenRoutes } from './register-token-routes.ts';

export type FakeOpenAiAuthOptions = {
  /** One default account (`user@example.com`, plan plus) when omitted. */
  accounts?: readonly FakeOpenAiAccountOptions[];
  /** Access-token JWT lifetime; ~10 days is what the real server issues. Default 864000. */
  accessTokenTtlSeconds?: number;
  /** Refresh tokens older than this answer `refresh_token_expired`. Default: they never expire by age. */
  refreshTokenTtlSeconds?: number;
  /** Default 600. Also bounds how long the consent page stays valid. */
  authorizationCodeTtlSeconds?: number;
  /** Default 900, the 15 minutes Codex tells the user. */
  deviceCodeTtlSeconds?: number;
  /** Default '5'. A string on the wire, always. */
  deviceInterval?: string;
  /** Shorthand for `modes.autoApprove`. */
  autoApprove?: boolean;
  modes?: Partial<FakeOpenAiAuthModes>;
  /** Milliseconds since the epoch; inject to test expiry without waiting. Default `Date.now`. */
  now?: () => number;
  /**
   * A fixed loopback port instead of an ephemeral one (for the CLI and out-of-process browser tests). Served by a
   * TCP relay that only the handle's `close()` stops; `closeAllFakeServers()` does not know about it.
   */
  port?: number;
  /**
   * The `iss` of every JWT and of the discovery document. Default `OPENAI_ISSUER` (`https://auth.openai.com`), as
   * the real server signs whatever URL it is reached at (docs/codex-protocol.md §1.1, §3): a client that checks
   * `iss` against the URL it was configured with fails here as it would against the real server behind a proxy.
   */
  issuer?: string;
};

export type FakeOpenAiAuth = FakeOpenAiAuthHooks &
  Pick<FakeServer, 'requests' | 'findRequests' | 'faults'> & {
    /** `http://127.0.0.1:<port>`, where clients reach it (`GATEWAY_OPENAI_AUTH_URL`). */
    readonly url: string;
    /** The `iss` of every JWT it signs: the `issuer` option, else `https://auth.openai.com`. */
    readonly issuer: string;
    readonly port: number;
    readonly clientId: string;
    readonly accounts: readonly FakeOpenAiAccount[];
    /** The public key that verifies every JWT, as served at `/.well-known/jwks.json`. */
    readonly jwks: { keys: JWK[] };
    /** Forgets requests, faults, codes, tokens and devices, and restores the starting modes. */
    reset(): void;
    close(): Promise<void>;
  };

/**
 * A strict fake of auth.openai.com for the Codex client: browser PKCE login, device login, refresh with rotation,
 * revocation, and test hooks. Behaviour follows docs/codex-protocol.md §1–4 and §8.1.
 */
export async function startFakeOpenAiAuth(options: FakeOpenAiAuthOptions = {}): Promise<FakeOpenAiAuth> {
  const ttl = (name: keyof FakeOpenAiAuthOptions, fallback: number | undefined) => {
    const value = options[name] ?? fallback;
    if (value != null && !(Number.isInteger(value) && (value as number) > 0)) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"${name}" must be a positive integer` });
    }
    return value as number | undefined;
  };
  const deviceInterval = options.deviceInterval ?? '5';
  if (typeof deviceInterval !== 'string' || !/^[1-9][0-9]*$/.test(deviceInterval)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"deviceInterval" must be a string like "5"' });
  }
  if (options.issuer != null && !(typeof options.issuer === 'string' && /^https?:\/\/\S+$/.test(options.issuer))) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"issuer" must be an http(s) URL' });
  }
  if (options.port != null && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"port" must be an integer from 1 to 65535' });
  }
  const initialModes: FakeOpenAiAuthModes = {
    ...DEFAULT_FAKE_OPENAI_AUTH_MODES,
    ...(options.autoApprove == null ? {} : validateFakeOpenAiAuthModes({ autoApprove: options.autoApprove })),
    ...validateFakeOpenAiAuthModes(options.modes ?? {}),
  };
  const accounts = createFakeOpenAiAccounts(options.accounts);
  const minter = await createOpenAiTokenMinter();
  let baseUrl = '';
  const getIssuer = () => options.issuer ?? OPENAI_ISSUER;
  const store = createFakeOpenAiAuthStore({
    minter,
    now: options.now ?? Date.now,
    getBaseUrl: () => baseUrl,
    getIssuer,
    accessTokenTtlSeconds: ttl('accessTokenTtlSeconds', 864_000) ?? 864_000,
    refreshTokenTtlSeconds: ttl('refreshTokenTtlSeconds', undefined),
    authorizationCodeTtlSeconds: ttl('authorizationCodeTtlSeconds', 600) ?? 600,
    deviceCodeTtlSeconds: ttl('deviceCodeTtlSeconds', 900) ?? 900,
    initialModes,
  });
  const router = createRouter();
  const context: FakeOpenAiAuthContext = {
    router,
    store,
    accounts,
    getBaseUrl: () => baseUrl,
    deviceInterval,
  };
  registerAuthorizeRoutes(context);
  registerTokenRoutes(context);
  registerDeviceRoutes(context);
  router.on('GET', '/.well-known/jwks.json', (_request, reply) => sendJson({ reply, body: minter.jwks }));
  router.on('GET', '/.well-known/openid-configuration', (_request, reply) =>
    sendJson({ reply, body: discoveryDocument({ baseUrl, issuer: getIssuer() }) }),
  );

  const server = await startFakeServer({ name: 'openai-auth', handler: router.handle });
  const forwarder =
    options.port == null ? undefined : await forwardLoopbackPort({ port: options.port, targetPort: server.port });
  const port = options.port ?? server.port;
  baseUrl = `http://127.0.0.1:${port}`;

  const hooks = createFakeOpenAiAuthHooks(context);
  const reset = () => {
    server.reset();
    store.reset(initialModes);
  };
  registerTestHookRoutes({ context, hooks, getRequests: () => server.requests, reset });

  return {
    url: baseUrl,
    issuer: getIssuer(),
    port,
    clientId: OPENAI_CODEX_CLIENT_ID,
    accounts,
    jwks: minter.jwks,
    requests: server.requests,
    findRequests: server.findRequests,
    faults: server.faults,
    approveDevice: hooks.approveDevice,
    denyDevice: hooks.denyDevice,
    invalidateRefreshTokens: hooks.invalidateRefreshTokens,
    expireRefreshTokens: hooks.expireRefreshTokens,
    setModes: hooks.setModes,
    get modes() {
      return hooks.modes;
    },
    get issuedTokens() {
      return hooks.issuedTokens;
    },
    mintTokens: hooks.mintTokens,
    quirkNextRefreshAnswer: hooks.quirkNextRefreshAnswer,
    accessTokenStatus: hooks.accessTokenStatus,
    reset,
    async close() {
      await Promise.all([forwarder?.close(), server.close()]);
    },
  };
}

/**
 * What the real issuer publishes, limited to what the fake implements: the `issuer` of its JWTs, and the fake's own
 * endpoints, where a client can reach them.
 */
function discoveryDocument(options: { baseUrl: string; issuer: string }): Record<string, unknown> {
  const { baseUrl } = options;
  return {
    issuer: options.issuer,
    authorization_endpoint: `${baseUrl}/oauth/authorize`,
    token_endpoint: `${baseUrl}/oauth/token`,
    revocation_endpoint: `${baseUrl}/oauth/revoke`,
    jwks_uri: `${baseUrl}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'api.connectors.read', 'api.connectors.invoke'],
  };
}
