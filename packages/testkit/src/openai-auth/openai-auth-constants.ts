/** Facts about auth.openai.com that the fake reproduces (docs/codex-protocol.md §1.1, §1.3, §2.4). */

/** The `iss` of every JWT the real server signs, whatever URL a client reached it at (§1.1, §3). */
export const OPENAI_ISSUER = 'https://auth.openai.com';

/** The public OAuth client of the Codex CLI; every known integration uses it. */
export const OPENAI_CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

/** Hydra's allow-list for Codex, `127.0.0.1` (newest) or `localhost`, port 1455 or its fallback 1457; nothing else. */
export const CODEX_REDIRECT_URIS: readonly string[] = [
  'http://localhost:1455/auth/callback',
  'http://127.0.0.1:1455/auth/callback',
  'http://localhost:1457/auth/callback',
  'http://127.0.0.1:1457/auth/callback',
];

/** What the device flow's code is bound to on the real server; the fake also accepts its own `/deviceauth/callback`. */
export const REAL_DEVICE_CALLBACK_URI = 'https://auth.openai.com/deviceauth/callback';

export const DEFAULT_SCOPE = 'openid profile email offline_access api.connectors.read api.connectors.invoke';

/** Without these two the real token endpoint has answered 403 since June 2026 (docs/codex-protocol.md §1.2, §8.3). */
export const CONNECTOR_SCOPES: readonly string[] = ['api.connectors.read', 'api.connectors.invoke'];

export const AUTH_CLAIM = 'https://api.openai.com/auth';
export const PROFILE_CLAIM = 'https://api.openai.com/profile';

/** The real `refresh_token_reused` message, byte for byte (docs/codex-protocol.md §4.5). */
export const REFRESH_TOKEN_REUSED_MESSAGE =
  'Your refresh token has already been used to generate a new access token. Please try signing in again.';

/** The real server's text for an unknown or stale authorize session (docs/codex-protocol.md §1.4). */
export const AUTHORIZE_SESSION_EXPIRED_MESSAGE = 'Your authorization session was not initialized or has expired';
