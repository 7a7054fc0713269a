import type { ModelAlias } from '@pag/contracts';
import { asc, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { modelAliases } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

const selectAliases = preparedQuery((db) =>
  db
    .select({ pattern: modelAliases.pattern, target: modelAliases.target })
    .from(modelAliases)
    .where(eq(modelAliases.userId, sql.placeholder('userId')))
    .orderBy(asc(modelAliases.position))
    .prepare(),
);

/** The user's model aliases in the order they were saved. */
export function listModelAliases(context: DomainContext, userId: string): ModelAlias[] {
  return selectAliases(context.db).all({ userId });
}
