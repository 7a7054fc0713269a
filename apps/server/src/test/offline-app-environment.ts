import { fileURLToPath } from 'node:url';

/**
 * The environment of an app that reaches nothing and needs no build: every configured upstream is a closed loopback
 * port, and the settings UI is a one-line stub (without a built UI every page would be the "not built" 503, and
 * tests would depend on `pnpm build` having run). Pair it with `refusingFetch` for user-supplied upstreams.
 */
const CLOSED = 'http://127.0.0.1:9';

export const OFFLINE_APP_ENVIRONMENT: Readonly<Record<string, string>> = {
  GATEWAY_OPENAI_AUTH_URL: CLOSED,
  GATEWAY_CHATGPT_BACKEND_URL: `${CLOSED}/backend-api`,
  GATEWAY_GEMINI_API_URL: CLOSED,
  GATEWAY_ANTHROPIC_API_URL: CLOSED,
  GATEWAY_GOOGLE_AUTH_URL: `${CLOSED}/auth`,
  GATEWAY_GOOGLE_TOKEN_URL: `${CLOSED}/token`,
  GATEWAY_GOOGLE_REVOKE_URL: `${CLOSED}/revoke`,
  GATEWAY_WEB_DIR: fileURLToPath(new URL('./stub-web-ui', import.meta.url)),
};

/** The fetch for user-supplied upstreams: refuses at once, as a refused connection would. */
export const refusingFetch: typeof fetch = async () => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });
};
