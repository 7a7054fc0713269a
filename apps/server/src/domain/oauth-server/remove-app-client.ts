import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import type { OAuthStoreContext } from './sqlite-oauth-adapter.ts';

/**
 * Removes an OAuth client (`gateway app remove`): its registration, every user's grant with its codes and tokens (the
 * app's next request is refused, 401), its policies. Pre-registered or dynamically registered alike.
 */
export function removeAppClient(context: OAuthStoreContext, clientId: string): { disconnectedUsers: number } {
  const client = context.db.$client;
  const exists = client.prepare("select 1 from oauth_records where kind = 'Client' and client_id = ?").get(clientId);
  if (exists == null) {
    throw new GatewayError('not_found', `no app with the client id ${clientId} (see gateway app list)`);
  }
  const users = client
    .prepare("select count(distinct user_id) as count from oauth_records where kind = 'Grant' and client_id = ?")
    .get(clientId) as { count: number };
  client.transaction(() => {
    // Every record of the client carries its id (the adapter fills client_id for each kind), tokens included.
    client.prepare('delete from oauth_records where client_id = ?').run(clientId);
    client.prepare('delete from app_policies where client_id = ?').run(clientId);
    client.prepare('delete from registered_apps where client_id = ?').run(clientId);
  })();
  recordAuditEvent(context, { action: 'app_client.removed', userId: null, detail: { clientId } });
  return { disconnectedUsers: users.count };
}
