import type { FakeOpenAiIssuedTokens } from './create-fake-openai-auth-store.ts';

/**
 * The success body of `/oauth/token`. All six fields, since opencode and CLIProxyAPI reject less
 * (docs/codex-protocol.md §2.2, §4.2).
 */
export function toTokenResponse(tokens: FakeOpenAiIssuedTokens): Record<string, unknown> {
  return {
    id_token: tokens.idToken,
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    expires_in: tokens.expiresIn,
    token_type: 'Bearer',
    scope: tokens.scope,
  };
}
