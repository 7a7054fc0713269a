import type Provider from 'oidc-provider';
import { MCP_SCOPE } from '../oauth-server/oauth-scopes.ts';

/** Who is calling the MCP endpoint, as proven by an access token from our authorization server. */
export type McpCaller = { userId: string; clientId: string; grantId: string; scopes: string[] };

/**
 * A refusal in RFC 6750 §3 terms: `error` is absent when no credentials came at all (the client must discover how
 * to get some), `invalid_request` for a malformed request, `invalid_token` for a bad token, `insufficient_scope`.
 */
export class McpAuthError extends Error {
  override name = 'McpAuthError';
  readonly status: 400 | 401 | 403;
  readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | null;

  constructor(status: 400 | 401 | 403, error: McpAuthError['error'], description: string) {
    super(description);
    this.status = status;
    this.error = error;
  }
}

/**
 * Checks the bearer token of an MCP request: known to our authorization server, unexpired and unrevoked, issued for
 * exactly this resource (RFC 8707: a token for another audience is refused, docs/mcp-oauth.md RS3), carrying the MCP
 * scope. One lookup is enough: a token row goes with its grant (revoked in Connected apps, or by oidc-provider on
 * code replay or refresh-token reuse: both delete by grant id) and with its user (ON DELETE CASCADE), so a token
 * that is found still has both.
 */
export async function verifyMcpAccessToken(
  provider: Provider,
  options: { authorization: string | undefined; resource: string },
): Promise<McpCaller> {
  if (options.authorization == null || options.authorization === '') {
    throw new McpAuthError(401, null, 'This endpoint needs an OAuth access token: Authorization: Bearer <token>.');
  }
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(options.authorization.trim());
  if (match?.[1] == null) {
    throw new McpAuthError(400, 'invalid_request', 'The Authorization header must be exactly "Bearer <access token>".');
  }
  const token = await provider.AccessToken.find(match[1]);
  if (token == null) {
    throw new McpAuthError(401, 'invalid_token', 'The access token is unknown, expired or revoked.');
  }
  const audiences = Array.isArray(token.aud) ? token.aud : [token.aud];
  if (!audiences.includes(options.resource)) {
    throw new McpAuthError(401, 'invalid_token', `The access token was not issued for ${options.resource}.`);
  }
  if (token.accountId == null) {
    throw new McpAuthError(401, 'invalid_token', 'The access token names no gateway user.');
  }
  const scopes = (token.scope ?? '').split(' ').filter(Boolean);
  if (!scopes.includes(MCP_SCOPE)) {
    throw new McpAuthError(403, 'insufficient_scope', `The access token lacks the ${MCP_SCOPE} scope.`);
  }
  return { userId: token.accountId, clientId: token.clientId ?? '', grantId: token.grantId ?? '', scopes };
}
