import type { ServerResponse } from 'node:http';
import { sendJson } from '../send-json.ts';
import type { FakeOpenAiAuthContext } from './fake-openai-auth-context.ts';
import { OPENAI_CODEX_CLIENT_ID, REFRESH_TOKEN_REUSED_MESSAGE } from './openai-auth-constants.ts';
import { sendOAuthError, sendOpenAiError } from './openai-auth-errors.ts';
import { toTokenResponse } from './to-token-response.ts';

export type HandleRefreshGrantOptions = {
  context: FakeOpenAiAuthContext;
  reply: ServerResponse;
  /** From a JSON or form body; extra fields (`scope`, Codex's `refresh_reason`) are ignored. */
  params: Map<string, string>;
};

/**
 * The refresh grant with rotation: each success returns a new refresh token and retires the old one, and using a
 * retired one gets the real `refresh_token_reused` answer (codex-protocol.md §4.3, §4.5).
 */
export async function handleRefreshGrant(options: HandleRefreshGrantOptions): Promise<void> {
  const { context, reply, params } = options;
  const { store } = context;
  const clientId = params.get('client_id');
  if (clientId != null && clientId !== OPENAI_CODEX_CLIENT_ID) {
    sendOAuthError({ reply, status: 401, error: 'invalid_client', description: 'Unknown client_id.' });
    return;
  }
  if (clientId == null) {
    sendOAuthError({
      reply,
      status: 400,
      error: 'invalid_request',
      description: 'Missing required parameter: client_id.',
    });
    return;
  }
  const refreshToken = params.get('refresh_token');
  if (refreshToken == null || refreshToken === '') {
    sendOAuthError({
      reply,
      status: 400,
      error: 'invalid_request',
      description: 'Missing required parameter: refresh_token.',
    });
    return;
  }

  const check = store.checkRefreshToken(refreshToken);
  switch (check.status) {
    case 'active': {
      check.markRotated();
      const tokens = await store.issueTokens({ family: check.family, grant: 'refresh_token' });
      sendJson({ reply, body: toTokenResponse(tokens), headers: { 'cache-control': 'no-store' } });
      return;
    }
    case 'rotated':
      sendOpenAiError({
        reply,
        status: store.modes.refreshTokenReusedStatus,
        code: 'refresh_token_reused',
        message: REFRESH_TOKEN_REUSED_MESSAGE,
      });
      return;
    // The wording of the next three is not documented anywhere; the codes are what Codex matches on (§4.5).
    case 'expired':
      sendOpenAiError({
        reply,
        status: 401,
        code: 'refresh_token_expired',
        message: 'Your refresh token has expired. Please try signing in again.',
      });
      return;
    case 'invalidated':
      sendOpenAiError({
        reply,
        status: 401,
        code: 'refresh_token_invalidated',
        message: 'Your refresh token has been invalidated. Please try signing in again.',
      });
      return;
    case 'unknown':
      sendOpenAiError({
        reply,
        status: 401,
        code: 'invalid_refresh_token',
        message: 'Could not validate your refresh token. Please try signing in again.',
      });
      return;
    default:
      assertNever(check);
  }
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled refresh-token status ${JSON.stringify(value)}`);
}
