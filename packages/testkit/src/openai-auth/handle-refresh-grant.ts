import type { ServerResponse } from 'node:http';
import { sendJson } from '../send-json.ts';
import type { FakeOpenAiAuthContext } from './fake-openai-auth-context.ts';
import { ANOTHER_CLIENT_ID, applyRefreshAnswerQuirks } from './fake-openai-refresh-answer-quirk.ts';
import { OPENAI_CODEX_CLIENT_ID, REFRESH_TOKEN_REUSED_MESSAGE } from './openai-auth-constants.ts';
import { sendOAuthError, sendOpenAiError } from './openai-auth-errors.ts';
import { toTokenResponse } from './to-token-response.ts';

export type HandleRefreshGrantOptions = {
  context: FakeOpenAiAuthContext;
  reply: ServerResponse;
  /**
   * From a JSON or form body. Extra fields are accepted and ignored: `scope` (Codex 2025, CLIProxyAPI) and
   * `refresh_reason` (`proactive_expiry` / `unauthorized_recovery`, Codex 0.169, docs/codex-protocol.md §4.1, §10).
   * The recorded request keeps them for tests to assert.
   */
  params: Map<string, string>;
};

/**
 * The refresh grant with rotation: each success returns a new refresh token and retires the old one, and using a
 * retired one gets the real `refresh_token_reused` answer and revokes the whole family, the successor included
 * (docs/codex-protocol.md §4.3, §4.5). A test may reshape the next answers (`quirkNextRefreshAnswer`); the rotation
 * happens all the same.
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
      const quirks = store.takeRefreshAnswerQuirks();
      const tokens = await store.issueTokens({
        family: check.family,
        grant: 'refresh_token',
        ...(quirks.includes('id-token-for-another-audience') ? { idTokenAudience: [ANOTHER_CLIENT_ID] } : {}),
      });
      const body = applyRefreshAnswerQuirks({ body: toTokenResponse(tokens), quirks });
      sendJson({ reply, body, headers: { 'cache-control': 'no-store' } });
      return;
    }
    case 'rotated':
      store.revokeFamilyOfReusedToken(refreshToken);
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
