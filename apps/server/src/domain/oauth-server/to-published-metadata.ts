import { SUPPORTED_SCOPES } from './oauth-scopes.ts';

/** Authorization-server metadata fields we publish (RFC 8414 §2); oidc-provider's OpenID-only fields are left out. */
const PUBLISHED_FIELDS = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'registration_endpoint',
  'revocation_endpoint',
  'code_challenge_methods_supported',
  'token_endpoint_auth_methods_supported',
  'revocation_endpoint_auth_methods_supported',
  'authorization_response_iss_parameter_supported',
] as const;

/**
 * oidc-provider's discovery document as an OAuth 2.1 server for MCP publishes it: only OAuth fields, our scopes
 * (clients request every advertised scope, so no OpenID ones: docs/mcp-oauth.md §1.12), the code flow with refresh.
 */
export function toPublishedMetadata(source: Record<string, unknown>): Record<string, unknown> {
  const published: Record<string, unknown> = {};
  for (const key of PUBLISHED_FIELDS) if (source[key] != null) published[key] = source[key];
  published.response_types_supported = ['code'];
  published.response_modes_supported = ['query'];
  published.grant_types_supported = ['authorization_code', 'refresh_token'];
  published.scopes_supported = [...SUPPORTED_SCOPES];
  // oidc-provider's revocation endpoint authenticates clients like its token endpoint, but does not say so; an
  // omitted field would mean client_secret_basic only (RFC 8414 §2), which would keep public clients from revoking.
  published.revocation_endpoint_auth_methods_supported ??= source.token_endpoint_auth_methods_supported;
  return published;
}
