import type { OperatorSettings } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { operatorSettings } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';

/** The single row's id (the table holds at most one row). */
const ROW_ID = 1;

/** The gateway-wide settings: what an admin saved, else the defaults from the environment. */
export async function readOperatorSettings(
  context: DomainContext,
  defaults: OperatorSettings,
): Promise<OperatorSettings> {
  const [row] = await selectOperatorSettings(context.db).execute();
  return withDefaults(row, defaults);
}

/**
 * Prepared once: the outbound policy reads the setting on every new upstream connection, and building and preparing
 * the query each time cost about 100 µs of each (issue 22: 1,000 streams at once open as many connections).
 */
const selectOperatorSettings = preparedQuery('select_operator_settings', (db) =>
  db.select().from(operatorSettings).where(eq(operatorSettings.id, ROW_ID)).limit(1),
);

/**
 * Saves what an admin changed (absent fields keep their value) and records it in the audit log. One upsert that
 * writes only the changed fields: two admins changing different settings at once both keep their change.
 */
export async function updateOperatorSettings(
  context: DomainContext,
  options: { defaults: OperatorSettings; changes: Partial<OperatorSettings>; actorUserId: string },
): Promise<OperatorSettings> {
  const changes = definedOnly(options.changes);
  const stamp = { updatedAt: new Date(context.now()), updatedBy: options.actorUserId };
  const [row] = await context.db
    .insert(operatorSettings)
    .values({ id: ROW_ID, ...options.defaults, ...changes, ...stamp })
    .onConflictDoUpdate({ target: operatorSettings.id, set: { ...changes, ...stamp } })
    .returning();
  await recordAuditEvent(context, {
    action: 'operator_settings.changed',
    userId: options.actorUserId,
    detail: { ...changes },
  });
  return withDefaults(row, options.defaults);
}

function withDefaults(
  row: typeof operatorSettings.$inferSelect | undefined,
  defaults: OperatorSettings,
): OperatorSettings {
  return { allowPrivateUpstreams: row?.allowPrivateUpstreams ?? defaults.allowPrivateUpstreams };
}

function definedOnly(changes: Partial<OperatorSettings>): Partial<OperatorSettings> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}
