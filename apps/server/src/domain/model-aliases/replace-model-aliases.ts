import type { ModelAlias } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { modelAliases } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import { listModelAliases } from './list-model-aliases.ts';

/** Replaces the user's whole alias table (the settings UI saves it as one list), in one transaction. */
export async function replaceModelAliases(
  context: DomainContext,
  userId: string,
  aliases: readonly ModelAlias[],
): Promise<ModelAlias[]> {
  const updatedAt = new Date(context.now());
  await withTransaction(context.db, async (tx) => {
    await tx.delete(modelAliases).where(eq(modelAliases.userId, userId));
    if (aliases.length === 0) return;
    await tx.insert(modelAliases).values(aliases.map((alias, position) => ({ userId, ...alias, position, updatedAt })));
  });
  return [...(await listModelAliases(context, userId))];
}
