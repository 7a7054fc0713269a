import type { OperatorSettings } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { operatorSettings } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';

/** The single row's id (the table holds at most one row). */
const ROW_ID = 1;

/** The gateway-wide settings: what an admin saved, else the defaults from the environment. */
export function readOperatorSettings(context: DomainContext, defaults: OperatorSettings): OperatorSettings {
  const row = context.db.select().from(operatorSettings).where(eq(operatorSettings.id, ROW_ID)).get();
  return { allowPrivateUpstreams: row?.allowPrivateUpstreams ?? defaults.allowPrivateUpstreams };
}

/** Saves what an admin changed (absent fields keep their value) and records it in the audit log. */
export function updateOperatorSettings(
  context: DomainContext,
  options: { defaults: OperatorSettings; changes: Partial<OperatorSettings>; actorUserId: string },
): OperatorSettings {
  const next = { ...readOperatorSettings(context, options.defaults), ...definedOnly(options.changes) };
  const values = {
    allowPrivateUpstreams: next.allowPrivateUpstreams,
    updatedAt: new Date(context.now()),
    updatedBy: options.actorUserId,
  };
  context.db
    .insert(operatorSettings)
    .values({ id: ROW_ID, ...values })
    .onConflictDoUpdate({ target: operatorSettings.id, set: values })
    .run();
  recordAuditEvent(context, {
    action: 'operator_settings.changed',
    userId: options.actorUserId,
    detail: { ...definedOnly(options.changes) },
  });
  return next;
}

function definedOnly(changes: Partial<OperatorSettings>): Partial<OperatorSettings> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}
