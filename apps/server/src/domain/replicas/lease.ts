import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq, lte, or, sql } from 'drizzle-orm';
import { leases } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

/** This process, as a lease holder: readable in the table (host and pid), and unique across restarts. */
export const THIS_PROCESS_LEASE_OWNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Takes (or renews) the lease `name` for `owner` until now + `ttlMs` when it is free, expired or already the owner's;
 * returns whether `owner` holds it now. One upsert with a condition, so of two replicas asking at once exactly one
 * wins, on SQLite and on PostgreSQL alike (docs/postgres.md §4).
 */
export async function acquireLease(
  context: DomainContext,
  lease: { name: string; owner: string; ttlMs: number },
): Promise<boolean> {
  const now = context.now();
  const rows = await context.db
    .insert(leases)
    .values({ name: lease.name, owner: lease.owner, expiresAt: new Date(now + lease.ttlMs) })
    .onConflictDoUpdate({
      target: leases.name,
      set: { owner: sql`excluded.owner`, expiresAt: sql`excluded.expires_at` },
      setWhere: or(lte(leases.expiresAt, new Date(now)), eq(leases.owner, sql`excluded.owner`)),
    })
    .returning({ owner: leases.owner });
  return rows.length === 1;
}

/** Gives the lease up at once (a clean stop), if `owner` still holds it. */
export async function releaseLease(context: DomainContext, lease: { name: string; owner: string }): Promise<void> {
  await context.db.delete(leases).where(and(eq(leases.name, lease.name), eq(leases.owner, lease.owner)));
}
