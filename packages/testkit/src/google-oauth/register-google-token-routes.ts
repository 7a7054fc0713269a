import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import { isPkceVerifierFor, oauthErrorSender, readOAuthParams } from '../oauth-server/oauth-wire.ts';
import { signingKeyOf } from '../oauth-server/signing-key-of.ts';
import { sendJson } from '../send-json.ts';
import * as store from './create-fake-google-oauth-store.ts';

/** `no-store` on every token-endpoint answer, as RFC 6749 §5.1 requires and Google sends. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

type Fail = ReturnType<typeof oauthErrorSender>;
type Grant = { context: store.GoogleOAuthContext; reply: ServerResponse; params: URLSearchParams; client: Client };
type Client = store.FakeGoogleClient;

/**
 * `POST /token` (authorization_code and refresh_token grants, forms only) and `POST /revoke`; errors are the flat
 * `{"error","error_description"}`, never the nested googleapis shape (docs/google-protocol.md §1.4, §5.1).
 */
export function registerGoogleTokenRoutes(context: store.GoogleOAuthContext): void {
  const repeated = (name: string) => `Parameter "${name}" must be provided only once.`;
  const read = (request: FakeRequest) => readOAuthParams(request, { isJsonAccepted: false, repeated });

  context.router.on('POST', '/token', async (request, reply) => {
    const fail = oauthErrorSender(reply, NO_STORE);
    const body = read(request);
    if (body.kind === 'invalid') return fail(400, 'invalid_request', body.description);
    const client = authenticateClient(context, request.headers, body.params, fail);
    if (client == null) return;
    const grantType = body.params.get('grant_type') ?? '';
    const grant = { context, reply, params: body.params, client };
    if (grantType === 'authorization_code') return exchangeAuthorizationCode(grant, fail);
    if (grantType === 'refresh_token') return refreshAccessToken(grant, fail);
    fail(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  });

  context.router.on('POST', '/revoke', (request, reply) => {
    const fail = oauthErrorSender(reply, NO_STORE);
    // Google's examples put the token in the query (docs/google-protocol.md §1.1) or in a form body; both work.
    const isEmpty = request.rawBody.length === 0;
    const body = isEmpty ? ({ kind: 'form', params: request.url.searchParams } as const) : read(request);
    if (body.kind === 'invalid') return fail(400, 'invalid_request', body.description);
    const token = body.params.get('token') ?? request.url.searchParams.get('token') ?? '';
    if (token === '') return fail(400, 'invalid_request', 'Missing required parameter: token');
    const { state } = context;
    const grant = state.grants.get(state.refreshTokens.get(token) ?? state.accessTokens.get(token)?.grantId ?? '');
    // Unlike RFC 7009 §2.2, Google reports an unknown or dead token.
    if (grant == null || grant.isRevoked) return fail(400, 'invalid_token', 'Token expired or revoked');
    // The app loses access to the account: every grant of that client and user ends.
    updateGrants(context, { account: grant.account, clientId: grant.clientId, change: 'revoke' });
    sendJson({ reply, body: {}, headers: NO_STORE });
  });
}

/** RFC 6749 §4.1.3 and RFC 7636 §4.6. */
async function exchangeAuthorizationCode({ context, reply, params, client }: Grant, fail: Fail) {
  const { state } = context;
  const code = params.get('code') ?? '';
  if (code === '') return fail(400, 'invalid_request', 'Missing required parameter: code');
  const redirectUri = params.get('redirect_uri') ?? '';
  if (redirectUri === '') return fail(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  if (!code.startsWith('4/')) return fail(400, 'invalid_grant', 'Malformed auth code.');
  const record = state.codes.get(code);
  const isExpired = (issuedAt: number) => state.isExpired(issuedAt, context.options.authorizationCodeTtlSeconds ?? 600);
  if (record == null || record.clientId !== client.clientId || isExpired(record.issuedAt)) {
    return fail(400, 'invalid_grant', 'Bad Request');
  }
  if (record.isUsed) {
    // RFC 6749 §4.1.2: a replayed code suggests theft, so what its first use produced is revoked too.
    const grant = state.grants.get(record.grantId ?? '');
    if (grant != null) grant.isRevoked = true;
    return fail(400, 'invalid_grant', 'Bad Request');
  }
  if (redirectUri !== record.redirectUri) return fail(400, 'redirect_uri_mismatch', 'Bad Request');
  const verifier = params.get('code_verifier') ?? '';
  if (verifier === '') return fail(400, 'invalid_grant', 'Missing code verifier.');
  if (!isPkceVerifierFor(verifier, record.codeChallenge)) return fail(400, 'invalid_grant', 'Invalid code verifier.');
  record.isUsed = true;
  const grant = createGrant(context, { clientId: client.clientId, account: record.account, scopes: record.scopes });
  record.grantId = grant.id;
  const issue = { grant: 'authorization_code', shouldIssueRefreshToken: record.isRefreshTokenIssued } as const;
  const tokens = await issueGoogleTokens(context, { ...issue, record: grant });
  sendJson({ reply, body: toTokenResponse(tokens), headers: NO_STORE });
}

/**
 * A new access token for a live refresh token. Google does not rotate: the answer has no `refresh_token` and the old
 * one stays valid (docs/google-protocol.md §1.4), unless the `shouldRotateRefreshTokens` mode is on.
 */
async function refreshAccessToken({ context, reply, params, client }: Grant, fail: Fail) {
  const refreshToken = params.get('refresh_token') ?? '';
  if (refreshToken === '') return fail(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const { state } = context;
  const grant = state.grants.get(state.refreshTokens.get(refreshToken) ?? '');
  const isTooOld = grant != null && state.isExpired(grant.refreshTokenIssuedAt, context.options.refreshTokenTtlSeconds);
  // Byte for byte what every revoked, expired or unknown refresh token gets (§1.4, §5.1).
  if (grant == null || grant.isRevoked || grant.isRefreshTokenExpired || isTooOld) {
    return fail(400, 'invalid_grant', 'Token has been expired or revoked.');
  }
  if (grant.clientId !== client.clientId) return fail(400, 'unauthorized_client', 'Unauthorized');
  const shouldIssueRefreshToken = state.modes.shouldRotateRefreshTokens;
  const tokens = await issueGoogleTokens(context, { record: grant, grant: 'refresh_token', shouldIssueRefreshToken });
  sendJson({ reply, body: toTokenResponse(tokens), headers: NO_STORE });
}

/**
 * `client_secret_basic` (RFC 6749 §2.3.1: form-encoded, then Base64) or `client_secret_post`, as Google's discovery
 * lists; both at once is refused (§2.3). Answers follow docs/google-protocol.md §5.1; undefined once refused.
 */
function authenticateClient(
  context: store.GoogleOAuthContext,
  headers: IncomingHttpHeaders,
  params: URLSearchParams,
  fail: Fail,
) {
  let clientId = params.get('client_id') ?? undefined;
  let clientSecret = params.get('client_secret') ?? undefined;
  if (headers.authorization != null) {
    const basic = parseBasicAuthorization(headers.authorization);
    if (basic == null) return void fail(401, 'invalid_client', 'Unauthorized');
    const both = 'Only one client authentication method may be used.';
    if (clientSecret != null) return void fail(400, 'invalid_request', both);
    if (clientId != null && clientId !== basic.clientId) {
      return void fail(400, 'invalid_request', 'The client_id in the body does not match the Authorization header.');
    }
    ({ clientId, clientSecret } = basic);
  }
  const noClient = 'Could not determine client ID from request.';
  if (clientId == null || clientId === '') return void fail(400, 'invalid_request', noClient);
  const client = context.state.clients.get(clientId);
  if (client == null) return void fail(401, 'invalid_client', 'The OAuth client was not found.');
  if (clientSecret == null || clientSecret === '') return void fail(401, 'invalid_client', 'client_secret is missing.');
  if (clientSecret === client.clientSecret) return client;
  fail(401, 'invalid_client', 'Unauthorized');
}

function parseBasicAuthorization(header: string): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  const decoded = Buffer.from(match?.[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  try {
    const decode = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
    const [clientId, clientSecret] = [decoded.slice(0, colon), decoded.slice(colon + 1)].map(decode);
    return colon < 0 ? undefined : { clientId: clientId ?? '', clientSecret: clientSecret ?? '' };
  } catch {
    return undefined;
  }
}

/** A new sign-in of an account at a client; refreshes add access tokens to it, and revocation ends it. */
export function createGrant(
  context: store.GoogleOAuthContext,
  grant: Pick<store.GrantRecord, 'clientId' | 'account' | 'scopes'>,
) {
  const id = `grant_${randomBytes(9).toString('base64url')}`;
  const created = { ...grant, id, refreshTokenIssuedAt: context.now() };
  context.state.grants.set(id, created);
  return created;
}

export type GrantChange = 'revoke' | 'expire-refresh' | 'expire-access';
type GrantUpdate = { account?: store.FakeGoogleAccount; clientId?: string; change: GrantChange };

/** Ends or expires live grants (by account, client or all); a revoke makes the next sign-in a first consent. */
export function updateGrants(context: store.GoogleOAuthContext, update: GrantUpdate): number {
  const { state } = context;
  const matching = [...state.grants.values()].filter(
    (grant) =>
      !grant.isRevoked &&
      (update.account == null || grant.account === update.account) &&
      (update.clientId == null || grant.clientId === update.clientId),
  );
  for (const grant of matching) {
    if (update.change === 'revoke') {
      grant.isRevoked = true;
      state.consents.delete(store.consentKey(grant.clientId, grant.account));
    }
    if (update.change === 'expire-refresh') grant.isRefreshTokenExpired = true;
    for (const token of state.accessTokens.values()) {
      if (update.change === 'expire-access' && token.grantId === grant.id) token.isForcedExpired = true;
    }
  }
  return matching.length;
}

/**
 * An access token, a refresh token when asked (replacing the old one), and with `openid` an id_token: RS256, one hour,
 * Google's claims (`azp`, `at_hash`, email and profile ones by scope).
 */
export async function issueGoogleTokens(
  context: store.GoogleOAuthContext,
  issue: { record: store.GrantRecord; grant: Issued['grant']; shouldIssueRefreshToken: boolean; ttl?: number },
): Promise<Issued> {
  const { state } = context;
  const { account, clientId, scopes, id: grantId } = issue.record;
  const issuedAt = context.now();
  const expiresIn = issue.ttl ?? state.modes.accessTokenTtlSeconds;
  const accessTokenExpiresAt = issuedAt + expiresIn * 1000;
  const accessToken = `ya29.a0${randomBytes(96).toString('base64url')}`;
  state.accessTokens.set(accessToken, { grantId, scopes, expiresAt: accessTokenExpiresAt });
  const refreshToken = issue.shouldIssueRefreshToken ? `1//0${randomBytes(64).toString('base64url')}` : undefined;
  if (refreshToken != null) {
    state.refreshTokens.delete(issue.record.refreshToken ?? '');
    state.refreshTokens.set(refreshToken, grantId);
    Object.assign(issue.record, { refreshToken, refreshTokenIssuedAt: issuedAt });
  }
  const { email, sub, name, picture } = account;
  // OpenID Connect Core §3.1.3.6: the left half of the access token's SHA-256.
  const atHash = createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
  const emailClaims = scopes.includes(store.EMAIL_SCOPE) ? { email, email_verified: account.isEmailVerified } : {};
  const profile = { name, picture, given_name: account.givenName, family_name: account.familyName };
  const claims = { ...emailClaims, ...(scopes.includes(store.PROFILE_SCOPE) ? profile : {}) };
  const payload = { azp: clientId, sub, at_hash: atHash, ...claims };
  const iat = Math.floor(issuedAt / 1000);
  const sign = () => signingKeyOf(context).sign({ payload, iss: state.issuer, aud: clientId, iat, exp: iat + 3600 });
  const idToken = scopes.includes('openid') ? await sign() : undefined;
  const tokens = { grantId, grant: issue.grant, clientId, email, sub, scopes, issuedAt, accessTokenExpiresAt };
  state.issued.push({ ...tokens, expiresIn, accessToken, refreshToken, idToken });
  return { ...tokens, expiresIn, accessToken, refreshToken, idToken };
}

/** Google's field order; `refresh_token` and `id_token` only when issued. */
type Issued = store.FakeGoogleIssuedTokens;

function toTokenResponse(tokens: Issued): Record<string, unknown> {
  return {
    access_token: tokens.accessToken,
    expires_in: tokens.expiresIn,
    ...(tokens.refreshToken == null ? {} : { refresh_token: tokens.refreshToken }),
    scope: tokens.scopes.join(' '),
    token_type: 'Bearer',
    ...(tokens.idToken == null ? {} : { id_token: tokens.idToken }),
  };
}
