import type { ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import { sendJson } from '../send-json.ts';
import type { FakeGoogleAccessTokenInfo } from './create-fake-google-oauth-store.ts';
import { findFakeGoogleAccount } from './fake-google-account.ts';
import type { FakeGoogleOAuthContext } from './fake-google-oauth-context.ts';
import { USERINFO_EMAIL_SCOPE, USERINFO_PROFILE_SCOPE } from './google-oauth-constants.ts';
import { sendGoogleOAuthError, sendGoogleUnauthenticated } from './google-oauth-errors.ts';
import { AUTHORIZE_PATH } from './register-google-authorize-routes.ts';
import { REVOKE_PATH, TOKEN_PATH } from './register-google-token-routes.ts';

/** gemini-cli's userinfo path; CLIProxyAPI's `v1` twin answers the same (docs/google-protocol.md §1.1). */
export const USERINFO_PATH = '/oauth2/v2/userinfo';
export const USERINFO_V1_PATH = '/oauth2/v1/userinfo';
export const TOKENINFO_PATH = '/tokeninfo';
/** Where Google publishes its id_token signing keys. */
export const JWKS_PATH = '/oauth2/v3/certs';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** Userinfo, tokeninfo, the JWKS and a discovery document naming the fake's own endpoints. */
export function registerGoogleUserinfoRoutes(context: FakeGoogleOAuthContext): void {
  const { router, store } = context;

  for (const path of [USERINFO_PATH, USERINFO_V1_PATH]) {
    router.on('GET', path, (request, reply) => {
      const token = readBearerToken(request);
      const info = token == null ? null : store.verifyAccessToken(token);
      if (info == null) {
        sendGoogleUnauthenticated({ reply, isTokenPresent: token != null });
        return;
      }
      sendJson({ reply, body: toUserinfo({ context, info }) });
    });
  }

  // POST with a bearer token as gemini-cli sends it (§1.1), or the token as `access_token` in the query or body.
  const tokeninfo = (request: FakeRequest, reply: ServerResponse) => {
    const token = readBearerToken(request);
    const info = token == null ? null : store.verifyAccessToken(token);
    if (info == null) {
      sendGoogleOAuthError({ reply, status: 400, error: 'invalid_token', description: 'Invalid Value' });
      return;
    }
    const account = findFakeGoogleAccount({ accounts: context.accounts, selector: info.sub });
    // Google sends the numbers here as strings.
    sendJson({
      reply,
      body: {
        azp: info.clientId,
        aud: info.clientId,
        sub: info.sub,
        scope: info.scopes.join(' '),
        exp: String(Math.floor(info.expiresAt / 1000)),
        expires_in: String(Math.max(0, Math.floor((info.expiresAt - store.now()) / 1000))),
        ...(info.scopes.includes(USERINFO_EMAIL_SCOPE)
          ? { email: info.email, email_verified: String(account?.isEmailVerified ?? true) }
          : {}),
        access_type: 'offline',
      },
    });
  };
  router.on('GET', TOKENINFO_PATH, tokeninfo);
  router.on('POST', TOKENINFO_PATH, tokeninfo);

  router.on('GET', JWKS_PATH, (_request, reply) => sendJson({ reply, body: context.signer.jwks }));
  router.on('GET', DISCOVERY_PATH, (_request, reply) => {
    const base = context.getBaseUrl();
    sendJson({
      reply,
      body: {
        issuer: store.issuer,
        authorization_endpoint: `${base}${AUTHORIZE_PATH}`,
        token_endpoint: `${base}${TOKEN_PATH}`,
        userinfo_endpoint: `${base}${USERINFO_PATH}`,
        revocation_endpoint: `${base}${REVOKE_PATH}`,
        jwks_uri: `${base}${JWKS_PATH}`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'profile'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'picture', 'sub'],
        code_challenge_methods_supported: ['S256'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
      },
    });
  });
}

/** The v2 shape: `id` always, email fields with the email scope, profile fields with the profile scope. */
function toUserinfo(options: { context: FakeGoogleOAuthContext; info: FakeGoogleAccessTokenInfo }) {
  const { info } = options;
  const account = findFakeGoogleAccount({ accounts: options.context.accounts, selector: info.sub });
  const body: Record<string, unknown> = { id: info.sub };
  if (info.scopes.includes(USERINFO_EMAIL_SCOPE)) {
    body.email = info.email;
    body.verified_email = account?.isEmailVerified ?? true;
  }
  if (info.scopes.includes(USERINFO_PROFILE_SCOPE) && account != null) {
    body.name = account.name;
    body.given_name = account.givenName;
    body.family_name = account.familyName;
    body.picture = account.picture;
  }
  return body;
}

function readBearerToken(request: FakeRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (match?.[1] != null) return match[1];
  const fromQuery = request.url.searchParams.get('access_token');
  if (fromQuery != null && fromQuery !== '') return fromQuery;
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (request.method === 'POST' && mediaType === 'application/x-www-form-urlencoded') {
    const fromBody = request.form().get('access_token');
    if (fromBody != null && fromBody !== '') return fromBody;
  }
  return undefined;
}
