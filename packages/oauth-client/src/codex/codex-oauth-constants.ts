/** The public OAuth client of the Codex CLI (no secret); every ChatGPT-subscription client uses it. */
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

/**
 * Scope of the newest official client. The two connector scopes became necessary in June 2026: without them the
 * token exchange answered 403 (docs/codex-protocol.md §1.2).
 */
export const CODEX_SCOPE = 'openid profile email offline_access api.connectors.read api.connectors.invoke';

/** The official default base of every auth endpoint. */
export const CODEX_AUTH_BASE_URL = 'https://auth.openai.com';

/**
 * The redirect URI the newest official client (0.169) sends. Only ports 1455 and 1457 are registered, and the
 * value at token exchange must be byte-identical (§1.3, §10).
 */
export const CODEX_DEFAULT_REDIRECT_URI = 'http://127.0.0.1:1455/auth/callback';

/** The registered fallback port when 1455 is busy. */
export const CODEX_FALLBACK_PORT = 1457;

/** Device-code sign-in is valid for 15 minutes (§1.6). */
export const CODEX_DEVICE_CODE_LIFETIME_SECONDS = 15 * 60;
