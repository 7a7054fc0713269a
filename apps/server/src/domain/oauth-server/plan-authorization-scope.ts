import { AI_SCOPE, knownScopes, MCP_SCOPE } from './oauth-scopes.ts';

/**
 * The two resources (RFC 8707) the gateway's authorization server issues tokens for, each with its one scope
 * (docs/app-connect.md §2): `{public origin}/mcp` (`mcp:tools`) and the gateway's AI APIs, `{public origin}` itself
 * (`ai`: `/api/ai/*` and `/v1/*`). A token's audience is exactly one of them, so an `ai` token never opens `/mcp`.
 */
export type OAuthResources = { mcp: string; ai: string };

/** The canonical resource a client named, or null for one we do not serve. `https://gw/` is read as `https://gw`. */
export function canonicalResource(resources: OAuthResources, resource: string): string | null {
  if (resource === resources.mcp) return resources.mcp;
  if (resource === resources.ai || resource === `${resources.ai}/`) return resources.ai;
  return null;
}

/** The scope a resource grants, or null for a resource we do not serve. */
export function scopeOfResource(resources: OAuthResources, resource: string): string | null {
  const canonical = canonicalResource(resources, resource);
  if (canonical == null) return null;
  return canonical === resources.mcp ? MCP_SCOPE : AI_SCOPE;
}

/** The resource that carries a scope. */
export function resourceOfScope(resources: OAuthResources, scope: string): string {
  return scope === AI_SCOPE ? resources.ai : resources.mcp;
}

/**
 * What an authorization request is taken to ask for: its scope and its resources, kept consistent with each other.
 * - No `resource`: the known scopes it names (`mcp:tools` when none, as MCP clients have always got), each with its
 *   resource. An app that asks for `ai` gets `ai` only.
 * - With `resource` (MCP clients send `{origin}/mcp`): only scopes of the named resources. A client that names `/mcp`
 *   and asks for every advertised scope (Claude does) gets `mcp:tools`, never `ai`. A request whose scopes all
 *   belong to other resources gets the scopes of the resources it named. Unknown resources are left in for
 *   oidc-provider to refuse with `invalid_target`.
 */
export function planAuthorizationScope(
  resources: OAuthResources,
  request: { scope: string | null | undefined; resource: unknown },
): { scope: string; resources: string[] } {
  const named = toList(request.resource);
  const asked = knownScopes(request.scope);
  if (named.length === 0) {
    const scopes = asked.length === 0 ? [MCP_SCOPE] : asked;
    return { scope: scopes.join(' '), resources: scopes.map((scope) => resourceOfScope(resources, scope)) };
  }
  const offered = named.map((resource) => scopeOfResource(resources, resource)).filter((scope) => scope != null);
  const kept = asked.filter((scope) => offered.includes(scope));
  const scopes = kept.length > 0 ? kept : [...new Set(offered)];
  return { scope: (scopes.length > 0 ? scopes : [MCP_SCOPE]).join(' '), resources: named };
}

function toList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item !== '');
  return typeof value === 'string' && value !== '' ? [value] : [];
}
