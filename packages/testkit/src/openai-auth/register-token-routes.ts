import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import { invalidType, invalidValue } from '../coded-type-error.ts';
import type { FakeRequest } from '../fake-request.ts';
import { isPkceVerifierFor, oauthErrorSender, readOAuthParams } from '../oauth-server/oauth-wire.ts';
import { signingKeyOf } from '../oauth-server/signing-key-of.ts';
import { sendJson } from '../send-json.ts';
import type { FakeOpenAiIssuedTokens, OpenAiAuthContext, TokenFamily } from './create-fake-openai-auth-store.ts';
import * as facts from './openai-auth-constants.ts';

const NO_STORE = { 'cache-control': 'no-store' };
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

type Grant = { context: OpenAiAuthContext; reply: ServerResponse; params: URLSearchParams };

/** `POST /oauth/token` (authorization code, refresh, token exchange) and `POST /oauth/revoke`. */
export function registerTokenRoutes(context: OpenAiAuthContext): void {
  const read = (request: FakeRequest) =>
    readOAuthParams(request, { isJsonAccepted: true, repeated: (name) => `The parameter "${name}" is repeated.` });

  context.router.on('POST', '/oauth/token', async (request, reply) => {
    const body = read(request);
    const fail = oauthErrorSender(reply);
    if (body.kind === 'invalid') return fail(400, 'invalid_request', body.description);
    const grant = { context, reply, params: body.params };
    const grantType = body.params.get('grant_type');
    // The only grant real clients send as JSON (Codex) as well as a form (everyone else): §4.1.
    if (grantType === 'refresh_token') return refreshTokens(grant);
    if (grantType == null) return fail(400, 'invalid_request', 'Missing required parameter: grant_type.');
    const isTokenExchange = grantType === 'urn:ietf:params:oauth:grant-type:token-exchange';
    if (grantType !== 'authorization_code' && !isTokenExchange) {
      return fail(400, 'unsupported_grant_type', 'Unsupported grant_type.');
    }
    if (body.kind !== 'form') {
      return fail(400, 'invalid_request', 'This grant must be sent as application/x-www-form-urlencoded.');
    }
    return isTokenExchange ? exchangeIdTokenForApiKey(grant) : exchangeAuthorizationCode(grant);
  });

  context.router.on('POST', '/oauth/revoke', (request, reply) => {
    // Codex revokes with JSON (docs/codex-protocol.md §4.6); RFC 7009 clients send a form. Both are accepted.
    const body = read(request);
    const fail = oauthErrorSender(reply);
    if (body.kind === 'invalid') return fail(400, 'invalid_request', body.description);
    const token = body.params.get('token') ?? '';
    if (token === '') return fail(400, 'invalid_request', 'Missing required parameter: token.');
    const clientId = body.params.get('client_id') ?? facts.OPENAI_CODEX_CLIENT_ID;
    if (clientId !== facts.OPENAI_CODEX_CLIENT_ID) return fail(401, 'invalid_client', 'Unknown client_id.');
    const { state } = context;
    const familyId = state.refreshTokens.get(token)?.familyId ?? state.accessTokens.get(token)?.familyId;
    const family = state.families.get(familyId ?? '');
    if (family != null) family.isInvalidated = true;
    // RFC 7009 §2.2: an unknown token is not an error, so a revoke leaks nothing about which tokens exist.
    sendJson({ reply, body: {} });
  });
}

/** RFC 6749 §4.1.3 and RFC 7636 §4.6. */
async function exchangeAuthorizationCode({ context, reply, params }: Grant) {
  const { state } = context;
  const fail = oauthErrorSender(reply);
  if (params.get('client_id') !== facts.OPENAI_CODEX_CLIENT_ID) {
    return fail(401, 'invalid_client', 'Missing or unknown client_id.');
  }
  const missing = ['code', 'redirect_uri', 'code_verifier'].find((name) => (params.get(name) ?? '') === '');
  if (missing != null) return fail(400, 'invalid_request', `Missing required parameter: ${missing}.`);
  const redirectUri = params.get('redirect_uri') ?? '';
  const deviceCallbacks = [`${context.url}/deviceauth/callback`, facts.REAL_DEVICE_CALLBACK_URI];
  if (![...facts.CODEX_REDIRECT_URIS, ...deviceCallbacks].includes(redirectUri)) {
    // Reported as a 403 from the real server for unregistered ports (can1357/oh-my-pi#1278).
    return fail(403, 'unauthorized_client', 'The redirect_uri is not registered for this client.');
  }
  const code = state.codes.get(params.get('code') ?? '');
  if (code == null) return fail(400, 'invalid_grant', 'The authorization code is invalid.');
  if (code.isUsed) {
    // RFC 6749 §4.1.2: a replayed code suggests theft, so the tokens it produced are revoked too.
    const family = state.families.get(code.familyId ?? '');
    if (family != null) family.isInvalidated = true;
    return fail(400, 'invalid_grant', 'The authorization code has already been used.');
  }
  if (state.isExpired(code.issuedAt, context.options.authorizationCodeTtlSeconds ?? 600)) {
    return fail(400, 'invalid_grant', 'The authorization code has expired.');
  }
  if (!code.redirectUris.includes(redirectUri)) {
    return fail(400, 'invalid_grant', 'The redirect_uri does not match the one used in the authorization request.');
  }
  if (!isPkceVerifierFor(params.get('code_verifier') ?? '', code.codeChallenge)) {
    return fail(400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
  }
  // Refused here and not at authorize: the integrator who hit this got a code from the authorize page and a 403 only
  // when exchanging it (docs/codex-protocol.md §1.2, §8.3). The body's wording is not public.
  const missingScopes = facts.CONNECTOR_SCOPES.filter((scope) => !code.scope.split(' ').includes(scope));
  if (missingScopes.length > 0) {
    const description = `The authorization request did not ask for the required scopes: ${missingScopes.join(' ')}.`;
    return fail(403, 'invalid_scope', description);
  }
  code.isUsed = true;
  const family = createFamily(context, { account: code.account, scope: code.scope, authTime: code.issuedAt });
  code.familyId = family.id;
  const tokens = await issueOpenAiTokens(context, { family, grant: code.grant });
  sendJson({ reply, body: toTokenResponse(tokens), headers: NO_STORE });
}

/** The optional id_token → API key exchange Codex attempts after a browser login (docs/codex-protocol.md §2.4). */
function exchangeIdTokenForApiKey({ context, reply, params }: Grant) {
  const fail = oauthErrorSender(reply);
  const { state } = context;
  if (params.get('client_id') !== facts.OPENAI_CODEX_CLIENT_ID) {
    return fail(401, 'invalid_client', 'Missing or unknown client_id.');
  }
  if (params.get('requested_token') !== 'openai-api-key') {
    return fail(400, 'invalid_request', 'requested_token must be openai-api-key.');
  }
  if (params.get('subject_token_type') !== ID_TOKEN_TYPE) {
    return fail(400, 'invalid_request', `subject_token_type must be ${ID_TOKEN_TYPE}.`);
  }
  const familyId = state.issued.find((entry) => entry.idToken === params.get('subject_token'))?.familyId;
  const family = state.families.get(familyId ?? '');
  if (family == null || family.isInvalidated) return fail(400, 'invalid_grant', 'The subject_token is invalid.');
  sendJson({ reply, body: { access_token: `sk-fake-${randomBytes(24).toString('base64url')}` }, headers: NO_STORE });
}

/**
 * How one refresh answer may differ: what the official client shrugs off (it decodes claims and keeps fields left out,
 * docs/codex-protocol.md §3, §4.2) but a spec-strict OAuth/OIDC client refuses.
 */
export type FakeOpenAiRefreshAnswerQuirk = keyof typeof RESHAPE;

/** How each quirk reshapes the answer; the audience one (the id_token's `aud`) acts when signing. */
const RESHAPE = {
  'id-token-for-another-audience': () => {},
  'lowercase-token-type': (body: Record<string, unknown>) => Object.assign(body, { token_type: 'bearer' }),
  'no-token-type': (body: Record<string, unknown>) => delete body.token_type,
  'no-access-token': (body: Record<string, unknown>) => delete body.access_token,
  'no-id-token': (body: Record<string, unknown>) => delete body.id_token,
  'no-expires-in': (body: Record<string, unknown>) => delete body.expires_in,
};

export function validateRefreshAnswerQuirks(quirks: unknown): FakeOpenAiRefreshAnswerQuirk[] {
  if (!Array.isArray(quirks) || quirks.length === 0) {
    throw invalidType('"quirks" must be a non-empty array');
  }
  const known = Object.keys(RESHAPE);
  const unknown = quirks.find((quirk) => !known.includes(quirk));
  if (unknown === undefined) return [...quirks];
  throw invalidValue(`"quirks" has an unknown quirk ${JSON.stringify(unknown)}; known: ${known.join(', ')}`);
}

// The wording of all but the reuse message is not public; the codes are what Codex matches on (§4.5).
const REFUSALS = {
  rotated: ['refresh_token_reused', facts.REFRESH_TOKEN_REUSED_MESSAGE],
  expired: ['refresh_token_expired', 'Your refresh token has expired. Please try signing in again.'],
  invalidated: ['refresh_token_invalidated', 'Your refresh token has been invalidated. Please try signing in again.'],
  unknown: ['invalid_refresh_token', 'Could not validate your refresh token. Please try signing in again.'],
} as const;

/**
 * What a refresh token is worth now. Invalidation wins over reuse and expiry for the whole family; revocation for reuse
 * turns only the still usable tokens `invalidated` (rotated ones stay `reused`, expired ones `expired`).
 */
export function checkRefreshToken(context: OpenAiAuthContext, token: string) {
  const { state } = context;
  const record = state.refreshTokens.get(token);
  const family = state.families.get(record?.familyId ?? '');
  if (record == null || family == null) return { status: 'unknown' } as const;
  if (family.isInvalidated) return { status: 'invalidated', family } as const;
  if (record.isRotated) return { status: 'rotated', family } as const;
  if (family.isForcedExpired || state.isExpired(record.issuedAt, context.options.refreshTokenTtlSeconds)) {
    return { status: 'expired', family } as const;
  }
  return { status: family.isRevokedForReuse ? 'invalidated' : 'active', family, record } as const;
}

/**
 * The refresh grant with rotation: a retired token coming back gets `refresh_token_reused` and revokes its whole family
 * (docs/codex-protocol.md §4.3, §4.5; RFC 9700 §4.14.2). Extra fields (`scope`, Codex 0.169's `refresh_reason`, §10) are ignored.
 */
async function refreshTokens({ context, reply, params }: Grant) {
  const { state } = context;
  const fail = oauthErrorSender(reply);
  const clientId = params.get('client_id');
  const refreshToken = params.get('refresh_token') ?? '';
  if (clientId != null && clientId !== facts.OPENAI_CODEX_CLIENT_ID) {
    return fail(401, 'invalid_client', 'Unknown client_id.');
  }
  if (clientId == null) return fail(400, 'invalid_request', 'Missing required parameter: client_id.');
  if (refreshToken === '') return fail(400, 'invalid_request', 'Missing required parameter: refresh_token.');
  const check = checkRefreshToken(context, refreshToken);
  if (check.status === 'active') {
    check.record.isRotated = true;
    const quirks = state.refreshAnswerQuirks.shift() ?? [];
    const isForAnother = quirks.includes('id-token-for-another-audience');
    const idTokenAudience = isForAnother ? 'app_SomeOtherClient00000000' : facts.OPENAI_CODEX_CLIENT_ID;
    const tokens = await issueOpenAiTokens(context, { family: check.family, grant: 'refresh_token', idTokenAudience });
    const body = toTokenResponse(tokens);
    for (const quirk of quirks) RESHAPE[quirk](body);
    return sendJson({ reply, body, headers: NO_STORE });
  }
  if (check.status === 'rotated') check.family.isRevokedForReuse = true;
  const [code, message] = REFUSALS[check.status];
  const status = check.status === 'rotated' ? state.modes.refreshTokenReusedStatus : 401;
  openAiErrorSender(reply)(status, code, message);
}

/** The OpenAI envelope, for refresh-token and device-polling errors; OAuth validation uses RFC 6749's (§2.3). */
export function openAiErrorSender(reply: ServerResponse) {
  return (status: number, code: string, message: string, param: string | null = null): void =>
    sendJson({
      reply,
      status,
      body: { error: { message, type: 'invalid_request_error', param, code } },
      headers: NO_STORE,
    });
}

/** A new sign-in: the tokens it issues share the family, and revoking or invalidating it kills them all. */
export function createFamily(context: OpenAiAuthContext, family: Omit<TokenFamily, 'id' | 'sessionId'>): TokenFamily {
  const id = `fam_${randomBytes(9).toString('base64url')}`;
  const created = { ...family, id, sessionId: `authsess_${randomBytes(12).toString('base64url')}` };
  context.state.families.set(id, created);
  return created;
}

/**
 * Signs an id and an access token (RS256, the claims of docs/codex-protocol.md §3) and makes a refresh token in the
 * family. Both JWTs carry the auth namespace: Codex reads it from the id_token, opencode from the access token.
 */
export async function issueOpenAiTokens(
  context: OpenAiAuthContext,
  issue: { family: TokenFamily; grant: FakeOpenAiIssuedTokens['grant']; ttl?: number; idTokenAudience?: string },
): Promise<FakeOpenAiIssuedTokens> {
  const { state } = context;
  const { family } = issue;
  const { email, chatgptAccountId, chatgptUserId, organizations, planType, subject } = family.account;
  const issuedAt = context.now();
  const iat = Math.floor(issuedAt / 1000);
  const expiresIn = issue.ttl ?? context.options.accessTokenTtlSeconds ?? 864_000;
  const auth = { chatgpt_account_id: chatgptAccountId, chatgpt_plan_type: planType, chatgpt_user_id: chatgptUserId };
  const claims = {
    sub: subject,
    auth_time: Math.floor(family.authTime / 1000),
    email,
    email_verified: true,
    [facts.AUTH_CLAIM]: { ...auth, user_id: chatgptUserId, organizations, groups: [] },
    [facts.PROFILE_CLAIM]: { email, email_verified: true },
  };
  const sign = (payload: JWTPayload, aud: string, ttlSeconds: number) =>
    signingKeyOf(context).sign({
      payload: { ...claims, ...payload, jti: randomBytes(16).toString('hex') },
      iss: state.issuer,
      aud: [aud],
      iat,
      exp: iat + ttlSeconds,
    });
  const scp = family.scope.split(' ').filter((scope) => scope !== '');
  // The id_token's own lifetime is fixed: Codex never reads it.
  const [idToken, accessToken] = await Promise.all([
    sign({}, issue.idTokenAudience ?? facts.OPENAI_CODEX_CLIENT_ID, 3600),
    sign(
      { client_id: facts.OPENAI_CODEX_CLIENT_ID, scp, session_id: family.sessionId },
      facts.OPENAI_CODEX_CLIENT_ID,
      expiresIn,
    ),
  ]);
  const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
  const accessTokenExpiresAt = (iat + expiresIn) * 1000;
  state.refreshTokens.set(refreshToken, { familyId: family.id, issuedAt });
  state.accessTokens.set(accessToken, { familyId: family.id, expiresAt: accessTokenExpiresAt });
  const entry = { familyId: family.id, grant: issue.grant, email, chatgptAccountId, scope: family.scope, issuedAt };
  const issued = { ...entry, accessTokenExpiresAt, expiresIn, idToken, accessToken, refreshToken };
  state.issued.push(issued);
  return { ...issued, refreshTokenStatus: 'active' };
}

/** The success body of `/oauth/token`: all six fields, since opencode and CLIProxyAPI reject less (§2.2, §4.2). */
function toTokenResponse(tokens: FakeOpenAiIssuedTokens): Record<string, unknown> {
  const { idToken, accessToken, refreshToken, expiresIn, scope } = tokens;
  return {
    id_token: idToken,
    access_token: accessToken,
    refresh_token: refreshToken,
    expires_in: expiresIn,
    token_type: 'Bearer',
    scope,
  };
}
