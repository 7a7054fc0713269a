import type { ServerResponse } from 'node:http';
import { sendJson } from '../send-json.ts';

/** `no-store` on every token-endpoint answer, as RFC 6749 §5.1 requires and Google sends. */
export const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * The OAuth error body of oauth2.googleapis.com: a flat `{"error","error_description"}` (docs/google-protocol.md §1.4,
 * §5.1), never the nested googleapis shape.
 */
export function sendGoogleOAuthError(options: {
  reply: ServerResponse;
  status: number;
  error: string;
  description: string;
}): void {
  sendJson({
    reply: options.reply,
    status: options.status,
    body: { error: options.error, error_description: options.description },
    headers: NO_STORE_HEADERS,
  });
}

const MISSING_CREDENTIAL_MESSAGE =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const INVALID_CREDENTIAL_MESSAGE =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** The googleapis.com 401 (`UNAUTHENTICATED`) that userinfo answers for a missing or dead bearer token. */
export function sendGoogleUnauthenticated(options: { reply: ServerResponse; isTokenPresent: boolean }): void {
  sendJson({
    reply: options.reply,
    status: 401,
    body: {
      error: {
        code: 401,
        message: options.isTokenPresent ? INVALID_CREDENTIAL_MESSAGE : MISSING_CREDENTIAL_MESSAGE,
        status: 'UNAUTHENTICATED',
      },
    },
    headers: {
      'www-authenticate': options.isTokenPresent
        ? 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
        : 'Bearer realm="https://accounts.google.com/"',
    },
  });
}
