import { GatewayClientError } from './gateway-client-error.ts';

/** Where a connect in progress is kept between the redirect and its return: `sessionStorage` by default. */
export type ConnectStorage = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

/** What `completeAppConnect` needs of the `startAppConnect` that sent the user away; secret (the PKCE verifier). */
export type PendingAppConnect = {
  gatewayUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeVerifier: string;
  startedAt: number;
};

/** A connect not completed within this long is void: the authorization code's own lifetime is shorter. */
export const PENDING_CONNECT_TTL_MS = 15 * 60_000;
const KEY_PREFIX = 'pag-client:app-connect:';

export function resolveConnectStorage(storage: ConnectStorage | undefined): ConnectStorage {
  const found = storage ?? (globalThis as { sessionStorage?: ConnectStorage }).sessionStorage;
  if (found == null) {
    throw new GatewayClientError({
      status: null,
      code: 'connect_failed',
      message:
        'There is no sessionStorage here (Node, Deno, a worker): pass `storage` to startAppConnect and completeAppConnect.',
      retryAfter: null,
    });
  }
  return found;
}

/** Kept under its state, so several connects (tabs) never overwrite each other and a state finds only its own. */
export function savePendingConnect(storage: ConnectStorage, pending: PendingAppConnect): void {
  storage.setItem(KEY_PREFIX + pending.state, JSON.stringify(pending));
}

/**
 * The connect that `state` belongs to, removed as it is read: a state (and its PKCE verifier) serves one callback
 * only, so a replayed or forged callback finds nothing. Null when unknown, used or too old.
 */
export function takePendingConnect(storage: ConnectStorage, state: string, now: number): PendingAppConnect | null {
  const key = KEY_PREFIX + state;
  const stored = storage.getItem(key);
  storage.removeItem(key);
  if (stored == null) return null;
  let pending: PendingAppConnect;
  try {
    pending = JSON.parse(stored) as PendingAppConnect;
  } catch {
    return null;
  }
  if (pending.state !== state || now - pending.startedAt > PENDING_CONNECT_TTL_MS) return null;
  return pending;
}
