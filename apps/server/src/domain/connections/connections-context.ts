import type { CodexClientIdentity } from '@pag/oauth-client';
import type { Vault } from '@pag/vault';
import type { DomainContext } from '../domain-context.ts';
import { GATEWAY_ORIGINATOR, GATEWAY_USER_AGENT } from '../gateway-identity.ts';
import type { RefreshOutcome } from '../metrics/gateway-metrics.ts';

/** Where and how the gateway talks to auth.openai.com (from config; `fetch` injectable for tests). */
export type ChatgptSettings = {
  /** `GATEWAY_OPENAI_AUTH_URL`: base of authorize, token, revoke, device code and device page. */
  authBaseUrl: string;
  /** `GATEWAY_CODEX_REDIRECT_URI`: the loopback redirect, byte-identical at authorize and exchange. */
  redirectUri: string;
  /** Refresh when the access token expires within this many milliseconds. */
  refreshWindowMs: number;
  /** The `originator` and `User-Agent` of every call to auth.openai.com: the same as towards the ChatGPT backend. */
  identity: CodexClientIdentity;
  fetch?: typeof fetch;
};

/** Where the gateway talks to Google for the Gemini sign-in with the user's own OAuth client. */
export type GoogleSettings = {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  /** `{GATEWAY_PUBLIC_URL}/api/connections/google/callback`: what users register on their OAuth client. */
  redirectUri: string;
  fetch?: typeof fetch;
};

/** What the connection functions need besides the database and clock: the vault and the upstream settings. */
export type ConnectionsContext = DomainContext & {
  vault: Vault;
  chatgpt: ChatgptSettings;
  google: GoogleSettings;
  /** Told how each token refresh ended, for the metrics (docs/metrics.md); absent in the CLI and most tests. */
  observeRefresh?: ((provider: string, outcome: RefreshOutcome) => void) | undefined;
};

/** Sign-in flows (state + PKCE) live 10 minutes; device codes 15 (the upstream's own limit). */
export const SIGN_IN_FLOW_LIFETIME_MS = 10 * 60_000;

/** Builds the context from the loaded config, so the server, the CLI and tests assemble it the same way. */
export function createConnectionsContext(options: {
  config: {
    openaiAuthUrl: string;
    codexRedirectUri: string;
    codexRefreshWindowMs: number;
    publicUrl: URL;
    googleAuthUrl: string;
    googleTokenUrl: string;
    googleRevokeUrl: string;
  };
  db: DomainContext['db'];
  vault: Vault;
  now?: () => number;
  fetch?: typeof fetch;
}): ConnectionsContext {
  return {
    db: options.db,
    now: options.now ?? Date.now,
    vault: options.vault,
    chatgpt: {
      authBaseUrl: options.config.openaiAuthUrl,
      redirectUri: options.config.codexRedirectUri,
      refreshWindowMs: options.config.codexRefreshWindowMs,
      identity: { originator: GATEWAY_ORIGINATOR, userAgent: GATEWAY_USER_AGENT },
      ...(options.fetch == null ? {} : { fetch: options.fetch }),
    },
    google: {
      authorizationEndpoint: options.config.googleAuthUrl,
      tokenEndpoint: options.config.googleTokenUrl,
      revocationEndpoint: options.config.googleRevokeUrl,
      redirectUri: new URL('/api/connections/google/callback', options.config.publicUrl).toString(),
      ...(options.fetch == null ? {} : { fetch: options.fetch }),
    },
  };
}
