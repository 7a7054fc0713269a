import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../send-json.ts';
import { computePkceChallenge, isValidCodeVerifier } from './compute-pkce-challenge.ts';
import type { FakeOpenAiAuthContext } from './fake-openai-auth-context.ts';
import { handleRefreshGrant } from './handle-refresh-grant.ts';
import {
  CODEX_REDIRECT_URIS,
  CONNECTOR_SCOPES,
  ID_TOKEN_TYPE,
  OPENAI_CODEX_CLIENT_ID,
  REAL_DEVICE_CALLBACK_URI,
  TOKEN_EXCHANGE_GRANT_TYPE,
} from './openai-auth-constants.ts';
import { sendOAuthError } from './openai-auth-errors.ts';
import { readRequestParams } from './read-request-params.ts';
import { toTokenResponse } from './to-token-response.ts';

/** `POST /oauth/token` (three grants) and `POST /oauth/revoke`. */
export function registerTokenRoutes(context: FakeOpenAiAuthContext): void {
  const { router, store } = context;

  router.on('POST', '/oauth/token', async (request, reply) => {
    const body = readRequestParams(request);
    if (body.kind === 'invalid') {
      sendOAuthError({ reply, status: 400, error: 'invalid_request', description: body.description });
      return;
    }
    const grantType = body.params.get('grant_type');
    if (grantType === 'refresh_token') {
      // The only grant real clients send as JSON (Codex) as well as form (everyone else): §4.1.
      await handleRefreshGrant({ context, reply, params: body.params });
      return;
    }
    if (grantType !== 'authorization_code' && grantType !== TOKEN_EXCHANGE_GRANT_TYPE) {
      const description = grantType == null ? 'Missing required parameter: grant_type.' : 'Unsupported grant_type.';
      const error = grantType == null ? 'invalid_request' : 'unsupported_grant_type';
      sendOAuthError({ reply, status: 400, error, description });
      return;
    }
    if (body.kind !== 'form') {
      sendOAuthError({
        reply,
        status: 400,
        error: 'invalid_request',
        description: 'This grant must be sent as application/x-www-form-urlencoded.',
      });
      return;
    }
    if (grantType === 'authorization_code') await exchangeAuthorizationCode({ context, reply, params: body.params });
    else exchangeIdTokenForApiKey({ context, reply, params: body.params });
  });

  router.on('POST', '/oauth/revoke', (request, reply) => {
    // Codex revokes with JSON (docs/codex-protocol.md §4.6); RFC 7009 clients send a form. Both are accepted.
    const body = readRequestParams(request);
    if (body.kind === 'invalid') {
      sendOAuthError({ reply, status: 400, error: 'invalid_request', description: body.description });
      return;
    }
    const token = body.params.get('token');
    if (token == null || token === '') {
      sendOAuthError({
        reply,
        status: 400,
        error: 'invalid_request',
        description: 'Missing required parameter: token.',
      });
      return;
    }
    const clientId = body.params.get('client_id');
    if (clientId != null && clientId !== OPENAI_CODEX_CLIENT_ID) {
      sendOAuthError({ reply, status: 401, error: 'invalid_client', description: 'Unknown client_id.' });
      return;
    }
    const family = store.findFamilyByToken(token);
    if (family != null) family.isInvalidated = true;
    // RFC 7009 §2.2: an unknown token is not an error, so a revoke leaks nothing about which tokens exist.
    sendJson({ reply, body: {} });
  });
}

type GrantOptions = { context: FakeOpenAiAuthContext; reply: ServerResponse; params: Map<string, string> };

/** @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3 and RFC 7636 §4.6 */
async function exchangeAuthorizationCode(options: GrantOptions): Promise<void> {
  const { context, reply, params } = options;
  const { store } = context;
  const fail = (status: number, error: string, description: string) =>
    sendOAuthError({ reply, status, error, description });

  if (params.get('client_id') !== OPENAI_CODEX_CLIENT_ID) {
    fail(401, 'invalid_client', 'Missing or unknown client_id.');
    return;
  }
  for (const name of ['code', 'redirect_uri', 'code_verifier']) {
    if ((params.get(name) ?? '') === '') {
      fail(400, 'invalid_request', `Missing required parameter: ${name}.`);
      return;
    }
  }
  const code = params.get('code') ?? '';
  const redirectUri = params.get('redirect_uri') ?? '';
  const codeVerifier = params.get('code_verifier') ?? '';
  const registered = [...CODEX_REDIRECT_URIS, `${context.getBaseUrl()}/deviceauth/callback`, REAL_DEVICE_CALLBACK_URI];
  if (!registered.includes(redirectUri)) {
    // Reported as a 403 from the real server for unregistered ports (can1357/oh-my-pi#1278).
    fail(403, 'unauthorized_client', 'The redirect_uri is not registered for this client.');
    return;
  }
  const record = store.findAuthorizationCode(code);
  if (record == null) {
    fail(400, 'invalid_grant', 'The authorization code is invalid.');
    return;
  }
  if (record.isUsed) {
    // RFC 6749 §4.1.2: a replayed code suggests theft, so the tokens it produced are revoked too.
    const family = record.familyId == null ? undefined : store.findFamily(record.familyId);
    if (family != null) family.isInvalidated = true;
    fail(400, 'invalid_grant', 'The authorization code has already been used.');
    return;
  }
  if (store.isAuthorizationCodeExpired(record)) {
    fail(400, 'invalid_grant', 'The authorization code has expired.');
    return;
  }
  if (!record.redirectUris.includes(redirectUri)) {
    fail(400, 'invalid_grant', 'The redirect_uri does not match the one used in the authorization request.');
    return;
  }
  if (!isValidCodeVerifier(codeVerifier) || computePkceChallenge(codeVerifier) !== record.codeChallenge) {
    fail(400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
    return;
  }
  // Refused here and not at authorize: the integrator who hit this got a code back from the authorize page and a
  // 403 only when exchanging it (docs/codex-protocol.md §1.2, §8.3). The body's wording is not public.
  const granted = record.scope.split(' ');
  const missing = CONNECTOR_SCOPES.filter((scope) => !granted.includes(scope));
  if (missing.length > 0) {
    fail(403, 'invalid_scope', `The authorization request did not ask for the required scopes: ${missing.join(' ')}.`);
    return;
  }
  record.isUsed = true;
  const family = store.createFamily({ account: record.account, scope: record.scope, authTime: record.authTime });
  record.familyId = family.id;
  const tokens = await store.issueTokens({ family, grant: record.grant });
  sendJson({ reply, body: toTokenResponse(tokens), headers: { 'cache-control': 'no-store' } });
}

/** The optional id_token → API key exchange Codex attempts after a browser login (docs/codex-protocol.md §2.4). */
function exchangeIdTokenForApiKey(options: GrantOptions): void {
  const { context, reply, params } = options;
  const fail = (status: number, error: string, description: string) =>
    sendOAuthError({ reply, status, error, description });
  if (params.get('client_id') !== OPENAI_CODEX_CLIENT_ID) {
    fail(401, 'invalid_client', 'Missing or unknown client_id.');
    return;
  }
  if (params.get('requested_token') !== 'openai-api-key') {
    fail(400, 'invalid_request', 'requested_token must be openai-api-key.');
    return;
  }
  if (params.get('subject_token_type') !== ID_TOKEN_TYPE) {
    fail(400, 'invalid_request', `subject_token_type must be ${ID_TOKEN_TYPE}.`);
    return;
  }
  const family = context.store.findFamilyByIdToken(params.get('subject_token') ?? '');
  if (family == null || family.isInvalidated) {
    fail(400, 'invalid_grant', 'The subject_token is invalid.');
    return;
  }
  sendJson({
    reply,
    body: { access_token: `sk-fake-${randomBytes(24).toString('base64url')}` },
    headers: { 'cache-control': 'no-store' },
  });
}
