import type Provider from 'oidc-provider';
import { findUserById } from '../accounts/find-user.ts';
import type { DomainContext } from '../domain-context.ts';
import { MCP_SCOPE } from '../oauth-server/mcp-scopes.ts';

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
 * Checks the bearer token of an MCP request: known to our authorization server, unexpired and unrevoked (opaque
 * tokens are looked up on every request, so a revocation counts at once), issued for exactly this resource (RFC
 * 8707: a token for another audience is refused, mcp-oauth.md RS3), its grant still alive, carrying the MCP scope,
 * and its user still existing.
 */
export async function verifyMcpAccessToken(
  provider: Provider,
  context: DomainContext,
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
  const grant = token.grantId == null ? undefined : await provider.Grant.find(token.grantId);
  if (grant == null || token.accountId == null || grant.accountId !== token.accountId) {
    throw new McpAuthError(401, 'invalid_token', 'The app’s authorization was revoked: connect it again.');
  }
  const scopes = (token.scope ?? '').split(' ').filter(Boolean);
  if (!scopes.includes(MCP_SCOPE)) {
    throw new McpAuthError(403, 'insufficient_scope', `The access token lacks the ${MCP_SCOPE} scope.`);
  }
  if (findUserById(context, token.accountId) == null) {
    throw new McpAuthError(401, 'invalid_token', 'The gateway user of this token no longer exists.');
  }
  return { userId: token.accountId, clientId: token.clientId ?? '', grantId: token.grantId ?? '', scopes };
}
