import { errors } from 'oidc-provider';
import { isLoopbackHost } from './is-loopback-host.ts';

/** RFC 7591 §3.2.2 `invalid_redirect_uri`, with a description naming the URI and the rule (oidc-provider's own
 *  InvalidRedirectUri carries a fixed text about authorization-time matching, which would mislead here). */
function refuse(description: string): never {
  throw new errors.CustomOIDCProviderError('invalid_redirect_uri', description);
}

/**
 * The gateway's redirect-URI rules for registered MCP clients (docs/mcp-oauth.md §1.4, MCP "Communication Security"):
 * https anywhere (ChatGPT's `https://chatgpt.com/connector/oauth/{id}` and `…/connector_platform_oauth_redirect`,
 * Claude's `https://claude.ai/api/mcp/auth_callback`, self-hosted apps), plain http only on loopback (CLIs, the
 * Inspector, the conformance suite), no other schemes, no fragments. Authorization then matches exactly.
 *
 * A client whose redirects are all loopback is registered as `native`, which makes oidc-provider accept any port
 * on them at authorization time (RFC 8252 §7.3): CLIs listen on an ephemeral port.
 */
export function checkRedirectUris(metadata: { redirect_uris?: unknown; application_type?: unknown }): void {
  // This runs before oidc-provider checks the metadata's types, so anything a client sent can arrive here: a value
  // that is not a list of strings is the client's mistake to be told about (RFC 7591 §3.2.2), never a crash.
  const raw = metadata.redirect_uris ?? [];
  if (!Array.isArray(raw) || raw.some((uri) => typeof uri !== 'string')) {
    refuse('redirect_uris must be an array of URLs (strings), such as ["https://app.example/callback"]');
  }
  const uris = raw as readonly string[];
  for (const uri of uris) {
    const parsed = URL.parse(uri);
    if (parsed == null) refuse(`redirect_uris: "${uri}" is not an absolute URL`);
    if (uri.includes('#')) refuse(`redirect_uris: "${uri}" must not contain a fragment`);
    if (parsed.protocol === 'https:') continue;
    if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) continue;
    refuse(`redirect_uris: "${uri}" must use https, or http on a loopback address (127.0.0.1, [::1], localhost)`);
  }
  const allLoopback =
    uris.length > 0 && uris.every((uri) => isLoopbackHost(URL.parse(uri)?.hostname ?? '') && uri.startsWith('http:'));
  if (allLoopback) metadata.application_type = 'native';
}
