import type { ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import { FORM_MEDIA_TYPE, mediaTypeOf, oauthErrorSender } from '../oauth-server/oauth-wire.ts';
import { signingKeyOf } from '../oauth-server/signing-key-of.ts';
import { sendJson } from '../send-json.ts';
import type { GoogleOAuthContext } from './create-fake-google-oauth-store.ts';
import { EMAIL_SCOPE, PROFILE_SCOPE } from './create-fake-google-oauth-store.ts';
import { AUTHORIZE_PATH } from './register-google-authorize-routes.ts';
import { NO_STORE } from './register-google-token-routes.ts';

const CREDENTIALS =
  'authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** Userinfo (gemini-cli's v2 path and CLIProxyAPI's v1 twin, §1.1), tokeninfo, the JWKS and a discovery document. */
export function registerGoogleUserinfoRoutes(context: GoogleOAuthContext): void {
  const { router } = context;
  for (const path of ['/oauth2/v2/userinfo', '/oauth2/v1/userinfo']) {
    router.on('GET', path, (request, reply) => {
      const token = readAccessToken(request);
      const live = findLiveAccessToken(context, token ?? '');
      if (live == null) {
        // The googleapis.com 401 (`UNAUTHENTICATED`), for a missing or a dead bearer token.
        const realm = 'Bearer realm="https://accounts.google.com/"';
        const message =
          token == null ? `Request is missing required ${CREDENTIALS}` : `Request had invalid ${CREDENTIALS}`;
        const headers = { 'www-authenticate': token == null ? realm : `${realm}, error="invalid_token"` };
        return sendJson({
          reply,
          status: 401,
          body: { error: { code: 401, message, status: 'UNAUTHENTICATED' } },
          headers,
        });
      }
      const { account, scopes } = live;
      // The v2 shape: `id` always, email fields with the email scope, profile fields with the profile scope.
      const email = scopes.includes(EMAIL_SCOPE)
        ? { email: account.email, verified_email: account.isEmailVerified }
        : {};
      const { name, givenName, familyName, picture } = account;
      const profile = scopes.includes(PROFILE_SCOPE)
        ? { name, given_name: givenName, family_name: familyName, picture }
        : {};
      sendJson({ reply, body: { id: account.sub, ...email, ...profile } });
    });
  }

  // POST with a bearer token as gemini-cli sends it (§1.1), or the token as `access_token` in the query or body.
  const tokeninfo = (request: FakeRequest, reply: ServerResponse) => {
    const live = findLiveAccessToken(context, readAccessToken(request) ?? '');
    if (live == null) return oauthErrorSender(reply, NO_STORE)(400, 'invalid_token', 'Invalid Value');
    const { account, clientId, scopes, expiresAt } = live;
    const email = scopes.includes(EMAIL_SCOPE)
      ? { email: account.email, email_verified: String(account.isEmailVerified) }
      : {};
    // Google sends the numbers here as strings.
    const expiresIn = String(Math.max(0, Math.floor((expiresAt - context.now()) / 1000)));
    const times = { exp: String(Math.floor(expiresAt / 1000)), expires_in: expiresIn };
    const body = { azp: clientId, aud: clientId, sub: account.sub, scope: scopes.join(' '), ...times, ...email };
    sendJson({ reply, body: { ...body, access_type: 'offline' } });
  };
  router.on('GET', '/tokeninfo', tokeninfo);
  router.on('POST', '/tokeninfo', tokeninfo);

  // Where Google publishes its id_token signing keys.
  router.on('GET', '/oauth2/v3/certs', (_request, reply) => sendJson({ reply, body: signingKeyOf(context).jwks }));
  router.on('GET', '/.well-known/openid-configuration', (_request, reply) => {
    const { url } = context;
    const body = {
      issuer: context.state.issuer,
      authorization_endpoint: `${url}${AUTHORIZE_PATH}`,
      token_endpoint: `${url}/token`,
      userinfo_endpoint: `${url}/oauth2/v2/userinfo`,
      revocation_endpoint: `${url}/revoke`,
      jwks_uri: `${url}/oauth2/v3/certs`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'picture', 'sub'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    };
    sendJson({ reply, body });
  });
}

/** The account, client, scopes and expiry of a live access token; undefined for an unknown, expired or revoked one. */
export function findLiveAccessToken(context: GoogleOAuthContext, token: string) {
  const record = context.state.accessTokens.get(token);
  const grant = context.state.grants.get(record?.grantId ?? '');
  if (record == null || grant == null || grant.isRevoked || record.isForcedExpired) return undefined;
  if (context.now() >= record.expiresAt) return undefined;
  return { account: grant.account, clientId: grant.clientId, scopes: record.scopes, expiresAt: record.expiresAt };
}

function readAccessToken(request: FakeRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const isForm = request.method === 'POST' && mediaTypeOf(request) === FORM_MEDIA_TYPE;
  const fromBody = isForm ? request.form().get('access_token') : null;
  return (
    [bearer, request.url.searchParams.get('access_token'), fromBody].find((token) => token != null && token !== '') ??
    undefined
  );
}
