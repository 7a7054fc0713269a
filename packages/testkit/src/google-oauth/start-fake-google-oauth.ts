import type { JWK } from 'jose';
import { CodedTypeError } from '../coded-type-error.ts';
import { createRouter } from '../create-router.ts';
import { forwardLoopbackPort } from '../openai-auth/forward-loopback-port.ts';
import type { FakeServer } from '../start-fake-server.ts';
import { startFakeServer } from '../start-fake-server.ts';
import type { FakeGoogleOAuthHooks } from './create-fake-google-oauth-hooks.ts';
import { createFakeGoogleOAuthHooks } from './create-fake-google-oauth-hooks.ts';
import { createFakeGoogleOAuthStore } from './create-fake-google-oauth-store.ts';
import { createGoogleIdTokenSigner } from './create-google-id-token-signer.ts';
import type { FakeGoogleAccount, FakeGoogleAccountOptions } from './fake-google-account.ts';
import { createFakeGoogleAccounts } from './fake-google-account.ts';
import type { FakeGoogleClient } from './fake-google-client.ts';
import { createFakeGoogleClients } from './fake-google-client.ts';
import type { FakeGoogleOAuthContext } from './fake-google-oauth-context.ts';
import type { FakeGoogleOAuthModes } from './fake-google-oauth-modes.ts';
import { DEFAULT_FAKE_GOOGLE_OAUTH_MODES, validateFakeGoogleOAuthModes } from './fake-google-oauth-modes.ts';
import { GENERATIVE_LANGUAGE_SCOPE, GOOGLE_ISSUER } from './google-oauth-constants.ts';
import { parseGoogleScopes } from './parse-google-scopes.ts';
import { AUTHORIZE_PATH, registerGoogleAuthorizeRoutes } from './register-google-authorize-routes.ts';
import { registerGoogleTestHookRoutes } from './register-google-test-hook-routes.ts';
import { REVOKE_PATH, registerGoogleTokenRoutes, TOKEN_PATH } from './register-google-token-routes.ts';
import {
  JWKS_PATH,
  registerGoogleUserinfoRoutes,
  TOKENINFO_PATH,
  USERINFO_PATH,
} from './register-google-userinfo-routes.ts';

export type FakeGoogleOAuthOptions = {
  /** Registered OAuth clients (id, secret, exact redirect URIs). One default test client when omitted. */
  clients?: readonly FakeGoogleClient[];
  /** One default account (`user@gmail.example`) when omitted. */
  accounts?: readonly FakeGoogleAccountOptions[];
  /** `iss` of every id_token. Default `https://accounts.google.com`; Google also uses bare `accounts.google.com`. */
  issuer?: string;
  /** Scopes every authorize request must include. Default: the Generative Language scope. */
  requiredScopes?: readonly string[];
  /** Shorthand for `modes.accessTokenTtlSeconds`. Default 3599. */
  accessTokenTtlSeconds?: number;
  /** Default 600. Also bounds how long the consent page stays valid. */
  authorizationCodeTtlSeconds?: number;
  /** Refresh tokens older than this get `invalid_grant` (Google: 7 days for apps in "Testing"). Default: never. */
  refreshTokenTtlSeconds?: number;
  /** Shorthand for `modes.autoApprove`. */
  autoApprove?: boolean;
  modes?: Partial<FakeGoogleOAuthModes>;
  /** Milliseconds since the epoch; inject to test expiry without waiting. Default `Date.now`. */
  now?: () => number;
  /** A fixed loopback port instead of an ephemeral one (CLI, out-of-process browser tests). */
  port?: number;
};

export type FakeGoogleOAuth = FakeGoogleOAuthHooks &
  Pick<FakeServer, 'requests' | 'findRequests' | 'faults'> & {
    /** `http://127.0.0.1:<port>`: one fake serves the paths of accounts.google.com and oauth2.googleapis.com. */
    readonly url: string;
    readonly port: number;
    /** `iss` of the id_tokens; what a client must expect. */
    readonly issuer: string;
    /** Stands in for `https://accounts.google.com/o/oauth2/v2/auth` (`GATEWAY_GOOGLE_AUTH_URL`). */
    readonly authorizationEndpoint: string;
    /** Stands in for `https://oauth2.googleapis.com/token` (`GATEWAY_GOOGLE_TOKEN_URL`). */
    readonly tokenEndpoint: string;
    /** Stands in for `https://oauth2.googleapis.com/revoke`. */
    readonly revocationEndpoint: string;
    /** Stands in for `https://www.googleapis.com/oauth2/v2/userinfo`. */
    readonly userinfoEndpoint: string;
    readonly tokeninfoEndpoint: string;
    readonly jwksUri: string;
    readonly accounts: readonly FakeGoogleAccount[];
    readonly requiredScopes: readonly string[];
    /** The public key that verifies every id_token, as served at `/oauth2/v3/certs`. */
    readonly jwks: { keys: JWK[] };
    /** Forgets requests, faults, sessions, codes, tokens, consents and added clients; restores the starting modes. */
    reset(): void;
    close(): Promise<void>;
  };

/**
 * A strict fake of Google's OAuth server for a user's own web client: authorization code with PKCE, consent (with
 * Google's refresh-token-on-first-consent rule), token exchange and refresh without rotation, revocation, id_tokens,
 * userinfo and tokeninfo, and test hooks. Behaviour follows docs/google-protocol.md §1.1, §1.4 and §5.1.
 */
export async function startFakeGoogleOAuth(options: FakeGoogleOAuthOptions = {}): Promise<FakeGoogleOAuth> {
  const positive = (name: keyof FakeGoogleOAuthOptions) => {
    const value = options[name];
    if (value != null && !(Number.isInteger(value) && (value as number) > 0)) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"${name}" must be a positive integer` });
    }
    return value as number | undefined;
  };
  if (options.port != null && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"port" must be an integer from 1 to 65535' });
  }
  const issuer = options.issuer ?? GOOGLE_ISSUER;
  // Not necessarily a URL: Google also documents the bare `accounts.google.com` as an id_token issuer.
  if (typeof issuer !== 'string' || issuer === '') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"issuer" must be a non-empty string' });
  }
  const requiredScopes = readRequiredScopes(options.requiredScopes);
  const accessTokenTtlSeconds = positive('accessTokenTtlSeconds');
  const initialModes: FakeGoogleOAuthModes = {
    ...DEFAULT_FAKE_GOOGLE_OAUTH_MODES,
    ...(options.autoApprove == null ? {} : validateFakeGoogleOAuthModes({ autoApprove: options.autoApprove })),
    ...(accessTokenTtlSeconds == null ? {} : { accessTokenTtlSeconds }),
    ...validateFakeGoogleOAuthModes(options.modes ?? {}),
  };
  const accounts = createFakeGoogleAccounts(options.accounts);
  const signer = await createGoogleIdTokenSigner();
  const store = createFakeGoogleOAuthStore({
    signer,
    now: options.now ?? Date.now,
    issuer,
    authorizationCodeTtlSeconds: positive('authorizationCodeTtlSeconds') ?? 600,
    refreshTokenTtlSeconds: positive('refreshTokenTtlSeconds'),
    initialModes,
    initialClients: createFakeGoogleClients(options.clients),
  });
  let baseUrl = '';
  const router = createRouter();
  const context: FakeGoogleOAuthContext = {
    router,
    store,
    signer,
    accounts,
    requiredScopes,
    getBaseUrl: () => baseUrl,
  };
  registerGoogleAuthorizeRoutes(context);
  registerGoogleTokenRoutes(context);
  registerGoogleUserinfoRoutes(context);

  const server = await startFakeServer({ name: 'google-oauth', handler: router.handle });
  const forwarder =
    options.port == null ? undefined : await forwardLoopbackPort({ port: options.port, targetPort: server.port });
  const port = options.port ?? server.port;
  baseUrl = `http://127.0.0.1:${port}`;

  const hooks = createFakeGoogleOAuthHooks(context);
  const reset = () => {
    server.reset();
    store.reset(initialModes);
  };
  registerGoogleTestHookRoutes({ context, hooks, getRequests: () => server.requests, reset });

  return {
    url: baseUrl,
    port,
    issuer,
    authorizationEndpoint: `${baseUrl}${AUTHORIZE_PATH}`,
    tokenEndpoint: `${baseUrl}${TOKEN_PATH}`,
    revocationEndpoint: `${baseUrl}${REVOKE_PATH}`,
    userinfoEndpoint: `${baseUrl}${USERINFO_PATH}`,
    tokeninfoEndpoint: `${baseUrl}${TOKENINFO_PATH}`,
    jwksUri: `${baseUrl}${JWKS_PATH}`,
    accounts,
    requiredScopes,
    jwks: signer.jwks,
    requests: server.requests,
    findRequests: server.findRequests,
    faults: server.faults,
    approveConsent: hooks.approveConsent,
    denyConsent: hooks.denyConsent,
    get pendingConsents() {
      return hooks.pendingConsents;
    },
    registerClient: hooks.registerClient,
    get clients() {
      return hooks.clients;
    },
    revokeAll: hooks.revokeAll,
    expireAccessTokens: hooks.expireAccessTokens,
    expireRefreshTokens: hooks.expireRefreshTokens,
    setModes: hooks.setModes,
    get modes() {
      return hooks.modes;
    },
    get issuedTokens() {
      return hooks.issuedTokens;
    },
    mintTokens: hooks.mintTokens,
    verifyAccessToken: hooks.verifyAccessToken,
    reset,
    async close() {
      await Promise.all([forwarder?.close(), server.close()]);
    },
  };
}

function readRequiredScopes(requiredScopes: readonly string[] | undefined): string[] {
  if (requiredScopes == null) return [GENERATIVE_LANGUAGE_SCOPE];
  if (!Array.isArray(requiredScopes) || requiredScopes.some((scope) => typeof scope !== 'string')) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"requiredScopes" must be an array of strings' });
  }
  const parsed = parseGoogleScopes(requiredScopes.join(' '));
  if (parsed.kind === 'invalid') {
    throw new CodedTypeError({
      code: 'ERR_INVALID_ARG_VALUE',
      message: `"requiredScopes" has unknown scopes: ${parsed.invalid.join(', ')}`,
    });
  }
  return parsed.scopes;
}
