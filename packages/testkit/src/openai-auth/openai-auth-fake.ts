import { invalidValue } from '../coded-type-error.ts';
import { defineFake } from '../define-fake.ts';
import * as fields from '../oauth-server/hook-fields.ts';
import { updateModes } from '../oauth-server/oauth-state.ts';
import { signingKeyOf } from '../oauth-server/signing-key-of.ts';
import { sendJson } from '../send-json.ts';
import type * as store from './create-fake-openai-auth-store.ts';
import { createFakeOpenAiAuthStore, OPENAI_AUTH_MODE_RULES } from './create-fake-openai-auth-store.ts';
import { DEFAULT_SCOPE, OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import { decideDevice, registerAuthorizeRoutes } from './register-authorize-routes.ts';
import * as tokens from './register-token-routes.ts';

/** A strict fake of auth.openai.com for the Codex client, following docs/codex-protocol.md §1–4 and §8.1. */
export const openAiAuthFake = defineFake({
  name: 'openai-auth',
  summary: 'auth.openai.com for the Codex client (PKCE login, device login, refresh, revoke).',
  createState: (options: store.FakeOpenAiAuthOptions) => createFakeOpenAiAuthStore(options),
  routes(context) {
    registerAuthorizeRoutes(context);
    tokens.registerTokenRoutes(context);
    const { router } = context;
    router.on('GET', '/.well-known/jwks.json', (_request, reply) =>
      sendJson({ reply, body: signingKeyOf(context).jwks }),
    );
    // What the real issuer publishes, limited to what the fake implements, at the fake's own URL.
    router.on('GET', '/.well-known/openid-configuration', (_request, reply) => {
      const { url } = context;
      const endpoints = { authorization_endpoint: `${url}/oauth/authorize`, token_endpoint: `${url}/oauth/token` };
      const grants = ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange'];
      const body = {
        issuer: context.state.issuer,
        ...endpoints,
        revocation_endpoint: `${url}/oauth/revoke`,
        jwks_uri: `${url}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        grant_types_supported: grants,
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: DEFAULT_SCOPE.split(' '),
      };
      sendJson({ reply, body });
    });
  },
  // The controls over HTTP, for a fake served in another process; bodies are snake_case JSON like the rest of the wire.
  testHooks(context) {
    const controls = createControls(context);
    const account = (body: Record<string, unknown>) => fields.optionalString(body, 'account');
    const userCode = (body: Record<string, unknown>) => fields.requireString(body, 'user_code');
    return {
      'POST /device/approve': (body) => controls.approveDevice({ userCode: userCode(body), account: account(body) }),
      'POST /device/deny': (body) => controls.denyDevice({ userCode: userCode(body) }),
      'POST /refresh-tokens/invalidate': (body) => ({ count: controls.invalidateRefreshTokens(account(body)) }),
      'POST /refresh-tokens/expire': (body) => ({ count: controls.expireRefreshTokens(account(body)) }),
      'GET /modes': () => controls.modes,
      'POST /modes': (body) => controls.setModes(body),
      'GET /tokens': () => ({ tokens: controls.issuedTokens }),
      'POST /tokens/mint': (body) =>
        controls.mintTokens({ account: account(body), accessTokenTtlSeconds: fields.optionalTtl(body) }),
      'POST /refresh-answer-quirks': (body) => controls.quirkNextRefreshAnswer(body.quirks as never),
      'POST /access-tokens/status': (body) => ({
        status: controls.accessTokenStatus(fields.requireString(body, 'access_token')),
      }),
    };
  },
  handle: createControls,
  cli: {
    usage: '    --auto-approve            Authorize redirects at once for the first account, without a consent page.\n',
    flags: { 'auto-approve': { type: 'boolean' } },
    toOptions: (values) => ({ autoApprove: values['auto-approve'] === true }),
    banner: (url) =>
      `client_id ${OPENAI_CODEX_CLIENT_ID}, account user@example.com\n` +
      `  authorize ${url}/oauth/authorize   device page ${url}/codex/device`,
  },
});

/** The handle's own members; they read the state at call time, as `reset()` replaces it. */
function createControls(context: store.OpenAiAuthContext) {
  const findAccount = (selector: string | undefined) =>
    fields.findNamedAccount(selector, (known) => context.state.findAccount(known), 'email or account id');
  const decide = (options: { userCode: string; account?: string | undefined }, decision: 'approve' | 'deny') => {
    const problem = decideDevice(context, { ...options, decision });
    if (problem != null) throw invalidValue(`"userCode" ${options.userCode}: ${problem.message}`);
    return { ok: true };
  };
  const updateFamilies = (selector: string | undefined, change: Partial<store.TokenFamily>) => {
    const account = findAccount(selector);
    const families = [...context.state.families.values()].filter((family) =>
      [undefined, family.account].includes(account),
    );
    for (const family of families) Object.assign(family, change);
    return families.length;
  };
  return {
    issuer: context.state.issuer,
    clientId: OPENAI_CODEX_CLIENT_ID,
    get accounts() {
      return context.state.accounts;
    },
    /** Verifies every JWT, as served at `/.well-known/jwks.json`. */
    jwks: signingKeyOf(context).jwks,
    /** Approves a user code (any case) for the account (email or account id; the first one when omitted). */
    approveDevice: (options: { userCode: string; account?: string | undefined }) => decide(options, 'approve'),
    denyDevice: (options: { userCode: string }) => decide(options, 'deny'),
    /** Every refresh token of the account (all accounts when omitted) now gets `refresh_token_invalidated`. */
    invalidateRefreshTokens: (account?: string) => updateFamilies(account, { isInvalidated: true }),
    /** Every refresh token of the account (all accounts when omitted) now gets `refresh_token_expired`. */
    expireRefreshTokens: (account?: string) => updateFamilies(account, { isForcedExpired: true }),
    setModes: (update: Partial<store.FakeOpenAiAuthModes>) =>
      updateModes(context.state.modes, OPENAI_AUTH_MODE_RULES, update),
    get modes() {
      return { ...context.state.modes };
    },
    /** Every token response handed out, oldest first, with each refresh token's status now. */
    get issuedTokens(): store.FakeOpenAiIssuedTokens[] {
      return context.state.issued.map((entry) => {
        const { status } = tokens.checkRefreshToken(context, entry.refreshToken);
        return { ...entry, refreshTokenStatus: status === 'unknown' ? 'invalidated' : status };
      });
    },
    /** A signed-in token set without the browser dance, e.g. to seed a Codex `auth.json`. */
    async mintTokens(options: { account?: string | undefined; accessTokenTtlSeconds?: number; scope?: string } = {}) {
      const account = findAccount(options.account) ?? context.state.accounts[0];
      const scope = options.scope ?? DEFAULT_SCOPE;
      const family = tokens.createFamily(context, { account, scope, authTime: context.now() });
      return tokens.issueOpenAiTokens(context, { family, grant: 'minted', ttl: options.accessTokenTtlSeconds });
    },
    /** Reshapes the next successful refresh answer (one call, one answer; calls queue up); the token still rotates. */
    quirkNextRefreshAnswer(quirks: readonly tokens.FakeOpenAiRefreshAnswerQuirk[]) {
      context.state.refreshAnswerQuirks.push(tokens.validateRefreshAnswerQuirks(quirks));
      return { ok: true };
    },
    /** Whether an access token still works: `revoked` with its family, `expired` past its `exp`, or `unknown`. */
    accessTokenStatus(accessToken: string): 'active' | 'revoked' | 'expired' | 'unknown' {
      const record = context.state.accessTokens.get(accessToken);
      const family = context.state.families.get(record?.familyId ?? '');
      if (record == null || family == null) return 'unknown';
      if (family.isInvalidated || family.isRevokedForReuse) return 'revoked';
      return context.now() >= record.expiresAt ? 'expired' : 'active';
    },
  };
}

export const startFakeOpenAiAuth = openAiAuthFake.start;
export type FakeOpenAiAuth = Awaited<ReturnType<typeof startFakeOpenAiAuth>>;
