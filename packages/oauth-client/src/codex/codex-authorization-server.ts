import * as oauth from 'oauth4webapi';
import { normaliseBaseUrl } from './codex-endpoint-options.ts';

/**
 * auth.openai.com described for oauth4webapi, which builds our authorization-code request. Only the endpoints
 * matter: the `issuer` is never compared with anything, since we read token answers ourselves (the real server
 * signs `iss = https://auth.openai.com` whatever URL we reach it at, see readCodexTokenAnswer).
 */
export function codexAuthorizationServer(baseUrl: string): oauth.AuthorizationServer {
  const base = normaliseBaseUrl(baseUrl);
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth/authorize`,
    token_endpoint: `${base}/oauth/token`,
    revocation_endpoint: `${base}/oauth/revoke`,
  };
}

/**
 * oauth4webapi refuses plain http unless told otherwise. We allow it only for loopback hosts, which is where the
 * test fakes run; a real deployment always talks https to auth.openai.com.
 */
export function oauthRequestOptions(options: {
  baseUrl: string;
  fetch?: typeof fetch | undefined;
  signal: AbortSignal;
  headers: Record<string, string>;
}): oauth.TokenEndpointRequestOptions {
  const url = new URL(options.baseUrl);
  const isLoopbackHttp =
    url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname.toLowerCase());
  return {
    signal: options.signal,
    headers: options.headers,
    ...(options.fetch == null ? {} : { [oauth.customFetch]: options.fetch }),
    ...(isLoopbackHttp ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}
