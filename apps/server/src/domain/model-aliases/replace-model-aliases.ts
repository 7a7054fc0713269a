import type { ModelAlias } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { modelAliases } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { listModelAliases } from './list-model-aliases.ts';

/** Replaces the user's whole alias table (the settings UI saves it as one list), in one transaction. */
export function replaceModelAliases(
  context: DomainContext,
  userId: string,
  aliases: readonly ModelAlias[],
): ModelAlias[] {
  const updatedAt = new Date(context.now());
  context.db.transaction((tx) => {
    tx.delete(modelAliases).where(eq(modelAliases.userId, userId)).run();
    if (aliases.length === 0) return;
    tx.insert(modelAliases)
      .values(aliases.map((alias, position) => ({ userId, ...alias, position, updatedAt })))
      .run();
  });
  return listModelAliases(context, userId);
}
