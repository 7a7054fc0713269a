import { codedTypeError, parseGoogleUrl, requireString } from './google-endpoint.ts';

export type BuildGoogleAuthorizationUrlOptions = {
  /** `GATEWAY_GOOGLE_AUTH_URL`, normally `https://accounts.google.com/o/oauth2/v2/auth`. */
  authorizationEndpoint: string;
  /** The user's own OAuth client id (`….apps.googleusercontent.com`). */
  clientId: string;
  /** Exactly as registered on the client, e.g. `https://gateway.example.com/api/connections/google/callback`. */
  redirectUri: string;
  state: string;
  /** S256 challenge of the verifier kept for the exchange. */
  codeChallenge: string;
  /** E.g. `GOOGLE_DEFAULT_SCOPES`. */
  scopes: readonly string[];
  /** The email to preselect on Google's account chooser. */
  loginHint?: string | undefined;
};

/**
 * The authorize URL of Google's web-server flow with PKCE. `access_type=offline` asks for a refresh token, and
 * `prompt=consent` makes Google issue one even when this user consented before: without it only the very first
 * consent yields one (docs/google-protocol.md §1.4, §5.4 item 10).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3 (PKCE S256)
 */
export function buildGoogleAuthorizationUrl(options: BuildGoogleAuthorizationUrlOptions): URL {
  const url = parseGoogleUrl({ value: options.authorizationEndpoint, name: 'authorizationEndpoint' });
  parseGoogleUrl({ value: options.redirectUri, name: 'redirectUri' });
  if (
    !Array.isArray(options.scopes) ||
    options.scopes.length === 0 ||
    options.scopes.some((scope) => typeof scope !== 'string' || scope === '' || /\s/.test(scope))
  ) {
    throw codedTypeError('"scopes" must be a non-empty array of scope strings without spaces', 'ERR_INVALID_ARG_VALUE');
  }
  const params: [string, string][] = [
    ['client_id', requireString({ value: options.clientId, name: 'clientId' })],
    ['redirect_uri', options.redirectUri],
    ['response_type', 'code'],
    ['scope', options.scopes.join(' ')],
    ['state', requireString({ value: options.state, name: 'state' })],
    ['code_challenge', requireString({ value: options.codeChallenge, name: 'codeChallenge' })],
    ['code_challenge_method', 'S256'],
    ['access_type', 'offline'],
    ['prompt', 'consent'],
  ];
  if (options.loginHint != null && options.loginHint !== '') params.push(['login_hint', options.loginHint]);
  for (const [name, value] of params) url.searchParams.set(name, value);
  return url;
}
