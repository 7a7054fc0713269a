import { eq, sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { gatewayMeta } from '../../db/schema.ts';

const NAME = 'encryption_key_id';

/**
 * The id of the key the database's secrets are encrypted under, as the first gateway to open it recorded it
 * (`gateway_meta`). It lets a replica with another key notice at start, before anything is stored, even while the
 * database holds no secret yet (docs/postgres.md §4). Returns the recorded id; records `keyId` if there was none.
 */
export async function recordKeyIdOnce(db: GatewayDatabase, keyId: string, now: number): Promise<string> {
  await db
    .insert(gatewayMeta)
    .values({ name: NAME, value: keyId, updatedAt: new Date(now) })
    .onConflictDoNothing();
  const [row] = await db.select({ value: gatewayMeta.value }).from(gatewayMeta).where(eq(gatewayMeta.name, NAME));
  return row?.value ?? keyId;
}

/** After `vault rotate-key`: everything is under `keyId` now, and replicas must start with it. */
export async function replaceRecordedKeyId(db: GatewayDatabase, keyId: string, now: number): Promise<void> {
  await db
    .insert(gatewayMeta)
    .values({ name: NAME, value: keyId, updatedAt: new Date(now) })
    .onConflictDoUpdate({
      target: gatewayMeta.name,
      set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` },
    });
}
