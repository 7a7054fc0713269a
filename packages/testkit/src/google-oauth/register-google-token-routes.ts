import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../send-json.ts';
import type { FakeGoogleIssuedTokens } from './create-fake-google-oauth-store.ts';
import type { FakeGoogleClient } from './fake-google-client.ts';
import type { FakeGoogleOAuthContext } from './fake-google-oauth-context.ts';
import { TOKEN_EXPIRED_OR_REVOKED_MESSAGE } from './google-oauth-constants.ts';
import { NO_STORE_HEADERS, sendGoogleOAuthError } from './google-oauth-errors.ts';
import { readGoogleClientAuthentication } from './read-google-client-authentication.ts';

export const TOKEN_PATH = '/token';
export const REVOKE_PATH = '/revoke';

/**
 * `POST /token` (authorization_code and refresh_token grants) and `POST /revoke`, with Google's answers:
 * docs/google-protocol.md §1.4 and §5.1.
 */
export function registerGoogleTokenRoutes(context: FakeGoogleOAuthContext): void {
  const { router, store } = context;

  router.on('POST', TOKEN_PATH, async (request, reply) => {
    const fail = (status: number, error: string, description: string) =>
      sendGoogleOAuthError({ reply, status, error, description });
    const params = readFormParams(request.headers['content-type'], request.text());
    if (typeof params === 'string') {
      fail(400, 'invalid_request', params);
      return;
    }
    const authentication = readGoogleClientAuthentication({ store, headers: request.headers, params });
    if (authentication.kind === 'rejected') {
      fail(authentication.status, authentication.error, authentication.description);
      return;
    }
    const grantType = params.get('grant_type') ?? '';
    const grant = { context, reply, params, client: authentication.client };
    if (grantType === 'authorization_code') await exchangeAuthorizationCode(grant);
    else if (grantType === 'refresh_token') await refreshAccessToken(grant);
    else fail(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  });

  router.on('POST', REVOKE_PATH, (request, reply) => {
    // Google's examples put the token in the query (docs/google-protocol.md §1.1) or in a form body; both work.
    const params =
      request.rawBody.length === 0
        ? new URLSearchParams()
        : readFormParams(request.headers['content-type'], request.text());
    if (typeof params === 'string') {
      sendGoogleOAuthError({ reply, status: 400, error: 'invalid_request', description: params });
      return;
    }
    const token = params.get('token') ?? request.url.searchParams.get('token');
    if (token == null || token === '') {
      sendGoogleOAuthError({
        reply,
        status: 400,
        error: 'invalid_request',
        description: 'Missing required parameter: token',
      });
      return;
    }
    const grant = store.findGrantByToken(token);
    if (grant == null || grant.isRevoked) {
      // Unlike RFC 7009 §2.2, Google reports an unknown or dead token.
      sendGoogleOAuthError({ reply, status: 400, error: 'invalid_token', description: 'Token expired or revoked' });
      return;
    }
    store.revokeAccess({ clientId: grant.clientId, account: grant.account });
    sendJson({ reply, body: {}, headers: NO_STORE_HEADERS });
  });
}

type GrantOptions = {
  context: FakeGoogleOAuthContext;
  reply: ServerResponse;
  params: URLSearchParams;
  client: FakeGoogleClient;
};

/** @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3 and RFC 7636 §4.6 */
async function exchangeAuthorizationCode(options: GrantOptions): Promise<void> {
  const { context, reply, params, client } = options;
  const { store } = context;
  const fail = (status: number, error: string, description: string) =>
    sendGoogleOAuthError({ reply, status, error, description });
  const code = params.get('code') ?? '';
  if (code === '') {
    fail(400, 'invalid_request', 'Missing required parameter: code');
    return;
  }
  const redirectUri = params.get('redirect_uri') ?? '';
  if (redirectUri === '') {
    fail(400, 'invalid_request', 'Missing required parameter: redirect_uri');
    return;
  }
  if (!code.startsWith('4/')) {
    fail(400, 'invalid_grant', 'Malformed auth code.');
    return;
  }
  const record = store.findAuthorizationCode(code);
  if (record == null || record.clientId !== client.clientId || store.isAuthorizationCodeExpired(record)) {
    fail(400, 'invalid_grant', 'Bad Request');
    return;
  }
  if (record.isUsed) {
    // RFC 6749 §4.1.2: a replayed code suggests theft, so what its first use produced is revoked too.
    const grant = record.grantId == null ? undefined : store.findGrant(record.grantId);
    if (grant != null) grant.isRevoked = true;
    fail(400, 'invalid_grant', 'Bad Request');
    return;
  }
  if (redirectUri !== record.redirectUri) {
    fail(400, 'redirect_uri_mismatch', 'Bad Request');
    return;
  }
  const codeVerifier = params.get('code_verifier') ?? '';
  if (codeVerifier === '') {
    fail(400, 'invalid_grant', 'Missing code verifier.');
    return;
  }
  const challenge = createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier) || challenge !== record.codeChallenge) {
    fail(400, 'invalid_grant', 'Invalid code verifier.');
    return;
  }
  record.isUsed = true;
  const grant = store.createGrant({ clientId: client.clientId, account: record.account, scopes: record.scopes });
  record.grantId = grant.id;
  const tokens = await store.issueTokens({
    grant,
    kind: 'authorization_code',
    shouldIssueRefreshToken: record.isRefreshTokenIssued,
  });
  sendJson({ reply, body: toTokenResponse(tokens), headers: NO_STORE_HEADERS });
}

/**
 * A new access token for a live refresh token. Google does not rotate: the answer has no `refresh_token` and the
 * old one stays valid (docs/google-protocol.md §1.4), unless the `shouldRotateRefreshTokens` mode is on.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
async function refreshAccessToken(options: GrantOptions): Promise<void> {
  const { context, reply, params, client } = options;
  const { store } = context;
  const refreshToken = params.get('refresh_token') ?? '';
  if (refreshToken === '') {
    sendGoogleOAuthError({
      reply,
      status: 400,
      error: 'invalid_request',
      description: 'Missing required parameter: refresh_token',
    });
    return;
  }
  const check = store.checkRefreshToken(refreshToken);
  if (check.status !== 'active') {
    sendGoogleOAuthError({ reply, status: 400, error: 'invalid_grant', description: TOKEN_EXPIRED_OR_REVOKED_MESSAGE });
    return;
  }
  if (check.grant.clientId !== client.clientId) {
    sendGoogleOAuthError({ reply, status: 400, error: 'unauthorized_client', description: 'Unauthorized' });
    return;
  }
  const tokens = await store.issueTokens({
    grant: check.grant,
    kind: 'refresh_token',
    shouldIssueRefreshToken: store.modes.shouldRotateRefreshTokens,
  });
  sendJson({ reply, body: toTokenResponse(tokens), headers: NO_STORE_HEADERS });
}

/** Google's field order; `refresh_token` and `id_token` only when issued. */
function toTokenResponse(tokens: FakeGoogleIssuedTokens): Record<string, unknown> {
  return {
    access_token: tokens.accessToken,
    expires_in: tokens.expiresIn,
    ...(tokens.refreshToken == null ? {} : { refresh_token: tokens.refreshToken }),
    scope: tokens.scopes.join(' '),
    token_type: 'Bearer',
    ...(tokens.idToken == null ? {} : { id_token: tokens.idToken }),
  };
}

/**
 * The token endpoint takes form bodies only (docs/google-protocol.md §1.4). Returns the problem as a string otherwise;
 * a repeated parameter is refused as RFC 6749 §3.2 requires.
 */
function readFormParams(contentType: string | undefined, body: string): URLSearchParams | string {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/x-www-form-urlencoded') {
    return `Unsupported content type "${mediaType}"; send application/x-www-form-urlencoded.`;
  }
  const params = new URLSearchParams(body);
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) return `Parameter "${name}" must be provided only once.`;
  }
  return params;
}
