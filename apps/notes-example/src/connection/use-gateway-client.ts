import { createGatewayClient, type GatewayClient } from '@pag/client';
import { type SavedConnection, saveRefreshedConnection, useSavedConnection } from './connection-store.ts';

// One client per connection, kept across renders and token refreshes: the client refreshes its tokens itself and
// hands them to `saveRefreshedConnection`, which must not make a new client (a stream in flight keeps its own).
let current: { connectedAt: number; client: GatewayClient } | null = null;

function clientFor(saved: SavedConnection): GatewayClient {
  if (current?.connectedAt !== saved.connectedAt) {
    const client = createGatewayClient({
      baseUrl: saved.connection.gatewayUrl,
      app: { connection: saved.connection, onConnectionChange: saveRefreshedConnection },
    });
    current = { connectedAt: saved.connectedAt, client };
  }
  return current.client;
}

/** The gateway client of the app's connection, or null while the app is not connected. */
export function useGatewayClient(): GatewayClient | null {
  const saved = useSavedConnection();
  return saved == null ? null : clientFor(saved);
}
