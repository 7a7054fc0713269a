import { auditLog } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

export type AuditAction =
  | 'user.created'
  | 'user.deleted'
  | 'user.password_reset'
  | 'user.role_changed'
  | 'operator_settings.changed'
  | 'session.login'
  | 'session.login_failed'
  | 'session.logout'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'api_key.policy_changed'
  | 'connection.connected'
  | 'connection.disconnected'
  | 'connection.reconnect_required'
  | 'connection.refused'
  | 'mcp_app.approved'
  | 'mcp_app.revoked'
  | 'mcp_app.revoked_all'
  | 'app_policy.updated'
  | 'app_client.registered'
  | 'app_client.removed';

/** Appends an audit entry. `detail` must never contain secrets: ids, prefixes, addresses only. */
export async function recordAuditEvent(
  context: DomainContext,
  event: { action: AuditAction; userId: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  await context.db.insert(auditLog).values({
    action: event.action,
    userId: event.userId,
    detail: event.detail ?? null,
    createdAt: new Date(context.now()),
  });
}
