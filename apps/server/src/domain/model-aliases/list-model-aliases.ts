import type { ModelAlias } from '@pag/contracts';
import { asc, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { modelAliases } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { cachedRead } from '../read-cache/read-cache.ts';

const selectAliases = preparedQuery('select_model_aliases', (db) =>
  db
    .select({ pattern: modelAliases.pattern, target: modelAliases.target })
    .from(modelAliases)
    .where(eq(modelAliases.userId, sql.placeholder('userId')))
    .orderBy(asc(modelAliases.position)),
);

/** The user's model aliases in the order they were saved; through the request cache (`/v1/messages` reads them). */
export const listModelAliases: (context: DomainContext, userId: string) => Promise<readonly ModelAlias[]> = cachedRead(
  'model-aliases',
  (context: DomainContext, userId: string) => selectAliases(context.db).execute({ userId }),
);
