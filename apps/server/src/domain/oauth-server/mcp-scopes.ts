/** The one scope of the MCP endpoint: list and call the gateway's tools on the user's behalf. */
export const MCP_SCOPE = 'mcp:tools';

export const SUPPORTED_SCOPES: readonly string[] = [MCP_SCOPE];

/** What each scope lets an app do, in words for the consent page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [MCP_SCOPE]: 'Use the gateway’s tools: ask your models, list them, and read your usage and connection status',
};

/**
 * The scope an authorization request really asks for: the known scopes it names, or the default scope when it
 * names none we know. Clients send nothing (the conformance suite), `claudeai` or `read write` (Claude); refusing
 * those would break real clients for no gain, since the consent page shows what is granted (docs/mcp-oauth.md §1.6).
 */
export function normalizeRequestedScope(scope: string | null | undefined): string {
  const known = (scope ?? '').split(' ').filter((value) => SUPPORTED_SCOPES.includes(value));
  return known.length === 0 ? MCP_SCOPE : [...new Set(known)].join(' ');
}
