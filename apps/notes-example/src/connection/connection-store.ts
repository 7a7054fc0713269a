import type { AppConnection } from '@pag/client';
import { createLocalStorageStore, useLocalStorageStore } from '../notes/local-storage-store.ts';

/** The app's connection to a gateway, as `completeAppConnect` returned it and the client refreshed it since. */
export type SavedConnection = {
  connection: AppConnection;
  /** When the user connected: identifies this connection across token refreshes (which replace `connection`). */
  connectedAt: number;
};

/** Why the app is not connected any more, when the gateway said so (shown until the user connects again). */
export type ConnectionLoss = { gatewayUrl: string; at: number };

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8787';

function isSavedConnection(value: unknown): value is SavedConnection {
  const saved = value as SavedConnection;
  return (
    typeof saved === 'object' &&
    saved != null &&
    typeof saved.connectedAt === 'number' &&
    typeof saved.connection?.gatewayUrl === 'string' &&
    typeof saved.connection.accessToken === 'string'
  );
}

// Tokens live in local storage like the notes: this app has no server of its own to keep them in. A note app with
// a backend would keep the refresh token there instead.
const connectionStore = createLocalStorageStore<SavedConnection | null>({
  key: 'notes-example.connection',
  fallback: () => null,
  parse: (raw) => (isSavedConnection(raw) ? raw : undefined),
});

const lossStore = createLocalStorageStore<ConnectionLoss | null>({
  key: 'notes-example.connection-lost',
  fallback: () => null,
  parse: (raw) => (typeof (raw as ConnectionLoss)?.gatewayUrl === 'string' ? (raw as ConnectionLoss) : undefined),
});

const gatewayUrlStore = createLocalStorageStore<string>({
  key: 'notes-example.gateway-url',
  fallback: () => DEFAULT_GATEWAY_URL,
  parse: (raw) => (typeof raw === 'string' && raw !== '' ? raw : undefined),
});

export function useSavedConnection(): SavedConnection | null {
  return useLocalStorageStore(connectionStore);
}

export function useConnectionLoss(): ConnectionLoss | null {
  return useLocalStorageStore(lossStore);
}

export function useGatewayUrl(): string {
  return useLocalStorageStore(gatewayUrlStore);
}

export function saveGatewayUrl(url: string): void {
  gatewayUrlStore.set(url);
}

export function saveNewConnection(connection: AppConnection): void {
  lossStore.set(null);
  connectionStore.set({ connection, connectedAt: Date.now() });
}

/** The client refreshed the tokens (refresh tokens rotate): keep the new ones, or the next start cannot refresh. */
export function saveRefreshedConnection(connection: AppConnection | null): void {
  const saved = connectionStore.get();
  if (saved == null) return;
  if (connection == null) {
    dropConnection();
    return;
  }
  connectionStore.set({ ...saved, connection });
}

/** Disconnect: the app forgets its tokens (the gateway keeps listing it under Connected apps until revoked there). */
export function forgetConnection(): void {
  lossStore.set(null);
  connectionStore.set(null);
}

/** The gateway refused the app's token (`unauthenticated`): it was disconnected there, or its grant expired. */
export function dropConnection(): void {
  const saved = connectionStore.get();
  if (saved != null) lossStore.set({ gatewayUrl: saved.connection.gatewayUrl, at: Date.now() });
  connectionStore.set(null);
}
