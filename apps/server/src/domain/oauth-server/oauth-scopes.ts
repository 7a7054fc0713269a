/** The scope of the MCP endpoint: list and call the gateway's tools on the user's behalf. */
export const MCP_SCOPE = 'mcp:tools';

/** The scope of connected apps (issue 18): the note-app API (`/api/ai/*`) and the OpenAI-compatible API (`/v1/*`). */
export const AI_SCOPE = 'ai';

export const SUPPORTED_SCOPES: readonly string[] = [MCP_SCOPE, AI_SCOPE];

/** What each scope lets an app do, in words for the consent page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [MCP_SCOPE]: 'Use the gateway’s tools: ask your models, list them, and read your usage and connection status',
  [AI_SCOPE]: 'Use your AI models through this gateway (note-app API and OpenAI-compatible API)',
};

/**
 * The known scopes a request names, without duplicates, in the order of SUPPORTED_SCOPES; empty when it names none
 * we know.
 */
export function knownScopes(scope: string | null | undefined): string[] {
  const named = new Set((scope ?? '').split(' '));
  return SUPPORTED_SCOPES.filter((value) => named.has(value));
}

/**
 * The scope an authorization request really asks for: the known scopes it names, or the default scope when it
 * names none we know. Clients send nothing (the conformance suite), `claudeai` or `read write` (Claude); refusing
 * those would break real clients for no gain, since the consent page shows what is granted (docs/mcp-oauth.md §1.6).
 * The default stays `mcp:tools`: every client that predates the `ai` scope is an MCP client.
 */
export function normalizeRequestedScope(scope: string | null | undefined): string {
  const known = knownScopes(scope);
  return known.length === 0 ? MCP_SCOPE : known.join(' ');
}
