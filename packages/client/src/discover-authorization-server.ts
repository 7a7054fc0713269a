import * as oauth from 'oauth4webapi';

/** The oauth4webapi options every request to the gateway's authorization server carries. */
export function oauthRequestOptions(gatewayUrl: string, fetchImpl: typeof fetch) {
  return {
    [oauth.customFetch]: (input: string, init: RequestInit) => fetchImpl(input, init),
    // A self-hosted gateway on a home network or loopback often runs on plain http; its URL is the user's choice.
    [oauth.allowInsecureRequests]: new URL(gatewayUrl).protocol === 'http:',
  };
}

/**
 * The gateway's OAuth 2.1 authorization server metadata (RFC 8414), read from the gateway's root
 * `/.well-known/oauth-authorization-server` (docs/mcp-oauth.md §1.3: the issuer has a path, `/oauth`, and the
 * gateway serves the document at the root too). The issuer must be on the gateway's own origin: tokens for this
 * gateway are only ever asked of this gateway (mix-up defence).
 */
export async function discoverAuthorizationServer(
  gatewayUrl: string,
  fetchImpl: typeof fetch,
): Promise<oauth.AuthorizationServer> {
  const response = await fetchImpl(new URL('/.well-known/oauth-authorization-server', gatewayUrl).toString(), {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) {
    throw new Error(`the gateway answered ${response.status} for its OAuth metadata`);
  }
  const metadata = (await response.clone().json()) as { issuer?: unknown };
  if (typeof metadata.issuer !== 'string') throw new Error('the gateway’s OAuth metadata has no issuer');
  const issuer = new URL(metadata.issuer);
  if (issuer.origin !== new URL(gatewayUrl).origin) {
    throw new Error(`the OAuth issuer ${issuer.origin} is not the gateway ${new URL(gatewayUrl).origin}`);
  }
  return oauth.processDiscoveryResponse(issuer, response);
}
