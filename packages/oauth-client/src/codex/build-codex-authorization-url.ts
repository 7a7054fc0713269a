import { normaliseBaseUrl } from './codex-endpoint-options.ts';
import { CODEX_CLIENT_ID, CODEX_SCOPE } from './codex-oauth-constants.ts';

/**
 * The authorize URL, with the parameters in the order and encoding of the newest official client
 * (docs/codex-protocol.md §1.2, §10). No `originator`: it is optional, and we do not present ourselves as the Codex CLI
 * where the protocol does not need it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3 (PKCE S256)
 */
export function buildCodexAuthorizationUrl(options: {
  baseUrl: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
}): URL {
  const url = new URL(`${normaliseBaseUrl(options.baseUrl)}/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CODEX_CLIENT_ID,
    redirect_uri: options.redirectUri,
    code_challenge: options.codeChallenge,
    code_challenge_method: 'S256',
    state: options.state,
    scope: CODEX_SCOPE,
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
  }).toString();
  return url;
}
