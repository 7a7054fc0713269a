import { invalidValue } from '../coded-type-error.ts';
import { defineFake } from '../define-fake.ts';
import * as fields from '../oauth-server/hook-fields.ts';
import { updateModes } from '../oauth-server/oauth-state.ts';
import { signingKeyOf } from '../oauth-server/signing-key-of.ts';
import * as store from './create-fake-google-oauth-store.ts';
import * as authorize from './register-google-authorize-routes.ts';
import * as tokens from './register-google-token-routes.ts';
import { findLiveAccessToken, registerGoogleUserinfoRoutes } from './register-google-userinfo-routes.ts';

/**
 * A strict fake of Google's OAuth server for a user's own web client: code flow with PKCE, consent (refresh token on
 * first consent only), refresh without rotation, revocation, id_tokens, userinfo, tokeninfo (docs/google-protocol.md
 * §1.1, §1.4, §5.1).
 */
export const googleOAuthFake = defineFake({
  name: 'google-oauth',
  summary: "accounts.google.com + oauth2.googleapis.com for a user's own OAuth client.",
  createState: (options: store.FakeGoogleOAuthOptions) => store.createFakeGoogleOAuthStore(options),
  routes(context) {
    authorize.registerGoogleAuthorizeRoutes(context);
    tokens.registerGoogleTokenRoutes(context);
    registerGoogleUserinfoRoutes(context);
  },
  // The controls over HTTP, for a fake served in another process; bodies are snake_case JSON (mode names excepted).
  testHooks(context) {
    const controls = createControls(context);
    const account = (body: Record<string, unknown>) => fields.optionalString(body, 'account');
    const session = (body: Record<string, unknown>) => fields.optionalString(body, 'session');
    const scopes = (body: Record<string, unknown>) => fields.optionalStrings(body, 'scopes');
    return {
      'GET /consents': () => ({ consents: controls.pendingConsents }),
      'POST /consent/approve': (body) =>
        controls.approveConsent({ session: session(body), account: account(body), scopes: scopes(body) }),
      'POST /consent/deny': (body) => controls.denyConsent({ session: session(body) }),
      'GET /clients': () => ({ clients: controls.clients }),
      'POST /clients': (body) =>
        controls.registerClient({
          clientId: fields.requireString(body, 'client_id'),
          clientSecret: fields.requireString(body, 'client_secret'),
          redirectUris: body.redirect_uris as string[],
        }),
      'POST /tokens/revoke-all': (body) => ({ count: controls.revokeAll(account(body)) }),
      'POST /access-tokens/expire': (body) => ({ count: controls.expireAccessTokens(account(body)) }),
      'POST /refresh-tokens/expire': (body) => ({ count: controls.expireRefreshTokens(account(body)) }),
      'GET /modes': () => controls.modes,
      'POST /modes': (body) => controls.setModes(body),
      'GET /tokens': () => ({ tokens: controls.issuedTokens }),
      'POST /tokens/mint': (body) => {
        const clientId = fields.optionalString(body, 'client_id');
        const accessTokenTtlSeconds = fields.optionalTtl(body);
        return controls.mintTokens({ account: account(body), clientId, scopes: scopes(body), accessTokenTtlSeconds });
      },
      'POST /tokens/verify': (body) => ({
        token: controls.verifyAccessToken(fields.requireString(body, 'access_token')),
      }),
    };
  },
  handle: createControls,
  cli: {
    usage: `    --auto-approve            Authorize redirects at once for the first account, without a consent page.
    --client-id <id>          Register this client instead of the default test client (needs --client-secret).
    --client-secret <secret>
    --redirect-uri <uri>      An exact redirect URI of that client; repeatable.
    --issuer <url>            id_token issuer (default https://accounts.google.com).
`,
    flags: {
      'auto-approve': { type: 'boolean' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      issuer: { type: 'string' },
    },
    toOptions(values) {
      const { 'client-id': clientId, 'client-secret': clientSecret, issuer } = values as Record<string, string>;
      if ((clientId == null) !== (clientSecret == null))
        throw invalidValue('--client-id and --client-secret go together');
      const redirectUris = (values['redirect-uri'] as string[] | undefined) ?? [];
      const client = { ...store.DEFAULT_FAKE_GOOGLE_CLIENT, ...(clientId == null ? {} : { clientId, clientSecret }) };
      const clients = [{ ...client, ...(redirectUris.length > 0 ? { redirectUris } : {}) }];
      return { clients, autoApprove: values['auto-approve'] === true, ...(issuer == null ? {} : { issuer }) };
    },
    banner: (url) =>
      `registered clients at GET ${url}/__testkit/clients\n` +
      `  GATEWAY_GOOGLE_AUTH_URL=${url}${authorize.AUTHORIZE_PATH}\n` +
      `  GATEWAY_GOOGLE_TOKEN_URL=${url}/token\n` +
      `  GATEWAY_GOOGLE_REVOKE_URL=${url}/revoke`,
  },
});

export const startFakeGoogleOAuth = googleOAuthFake.start;
export type FakeGoogleOAuth = Awaited<ReturnType<typeof startFakeGoogleOAuth>>;

/** The fake's own members of the handle; they read the state at call time, as `reset()` replaces it. */
function createControls(context: store.GoogleOAuthContext) {
  const { url } = context;
  const findAccount = (selector: string | undefined) =>
    fields.findNamedAccount(selector, (known) => context.state.findAccount(known), 'email or sub');
  /** The pending sign-in named, else the newest one. */
  const takeSession = (id: string | undefined) => {
    const { pending } = context.state.sessions;
    const session = id == null ? pending.at(-1) : pending.find((candidate) => candidate.id === id);
    const problem = id == null ? 'no sign-in is waiting for consent' : `"session" "${id}" is not pending`;
    if (session == null) throw invalidValue(problem);
    return context.state.sessions.take(session.id) ?? session;
  };
  const updateGrants = (account: string | undefined, change: tokens.GrantChange) =>
    tokens.updateGrants(context, { account: findAccount(account), change });
  return {
    /** `iss` of the id_tokens; what a client must expect. */
    issuer: context.state.issuer,
    /** Stands in for `https://accounts.google.com/o/oauth2/v2/auth` (`GATEWAY_GOOGLE_AUTH_URL`). */
    authorizationEndpoint: `${url}${authorize.AUTHORIZE_PATH}`,
    /** Stands in for `https://oauth2.googleapis.com/token` (`GATEWAY_GOOGLE_TOKEN_URL`). */
    tokenEndpoint: `${url}/token`,
    /** Stands in for `https://oauth2.googleapis.com/revoke`. */
    revocationEndpoint: `${url}/revoke`,
    get accounts() {
      return context.state.accounts;
    },
    /** The public key that verifies every id_token, as served at `/oauth2/v3/certs`. */
    jwks: signingKeyOf(context).jwks,
    /**
     * Approves a sign-in waiting on the consent page as a click would, for the account (else the `login_hint` one, else
     * the first), with only `scopes` of the optional ones ticked when given; returns the callback URL.
     */
    approveConsent(options: { session?: string; account?: string; scopes?: readonly string[] } = {}) {
      const explicit = findAccount(options.account);
      const session = takeSession(options.session);
      const account = explicit ?? context.state.findAccount(session.loginHint) ?? context.state.accounts[0];
      const scopes = options.scopes == null ? undefined : store.expandScopes(options.scopes);
      return { location: authorize.approveAuthorization(context, session, account, scopes) };
    },
    /** Cancels a waiting sign-in: the callback URL carries `error=access_denied`. */
    denyConsent: (options: { session?: string } = {}) => ({
      location: authorize.denyAuthorization(takeSession(options.session)),
    }),
    get pendingConsents() {
      return context.state.sessions.pending.map(({ id, clientId, redirectUri, state, scopes, loginHint }) => {
        // Null rather than undefined, so it survives JSON.
        return { session: id, clientId, redirectUri, state, scopes, loginHint: loginHint ?? null };
      });
    },
    /** Adds or replaces a client registration (id, secret, exact redirect URIs). */
    registerClient: (client: store.FakeGoogleClient) => {
      context.state.registerClient(client);
      return { ok: true };
    },
    get clients() {
      return [...context.state.clients.values()];
    },
    /** Ends every grant of the account (all accounts when omitted), as removing the app in account settings does. */
    revokeAll: (account?: string) => updateGrants(account, 'revoke'),
    /** Every access token of the account (all when omitted) stops verifying; refresh still works. */
    expireAccessTokens: (account?: string) => updateGrants(account, 'expire-access'),
    /** Every refresh token of the account (all when omitted) now gets `invalid_grant`. */
    expireRefreshTokens: (account?: string) => updateGrants(account, 'expire-refresh'),
    setModes: (update: Partial<store.FakeGoogleOAuthModes>) =>
      updateModes(context.state.modes, store.GOOGLE_OAUTH_MODE_RULES, update),
    get modes() {
      return { ...context.state.modes };
    },
    /** Every token response handed out, oldest first. */
    get issuedTokens() {
      return context.state.issued;
    },
    /** A signed-in token set with a refresh token, without the browser dance; scopes default to openid, email, required. */
    async mintTokens(
      options: { account?: string; clientId?: string; scopes?: readonly string[]; accessTokenTtlSeconds?: number } = {},
    ) {
      const { state } = context;
      const account = findAccount(options.account) ?? state.accounts[0];
      const client = state.clients.get(options.clientId ?? [...state.clients.keys()][0] ?? '');
      if (client == null) throw invalidValue(`"clientId" ${JSON.stringify(options.clientId)} is not registered`);
      const scopes = store.expandScopes(options.scopes ?? ['openid', store.EMAIL_SCOPE, ...state.requiredScopes]);
      state.consents.add(store.consentKey(client.clientId, account));
      const record = tokens.createGrant(context, { clientId: client.clientId, account, scopes });
      const ttl = options.accessTokenTtlSeconds;
      return tokens.issueGoogleTokens(context, { record, grant: 'minted', shouldIssueRefreshToken: true, ttl });
    },
    /** What a fake Gemini API asks: whose live access token this is, with which scopes; null if unknown or dead. */
    verifyAccessToken(token: string) {
      const live = findLiveAccessToken(context, token);
      if (live == null) return null;
      const { account, clientId, scopes, expiresAt } = live;
      return { email: account.email, sub: account.sub, clientId, scopes, expiresAt };
    },
  };
}
