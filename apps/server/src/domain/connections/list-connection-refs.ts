import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { connections } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { cachedRead } from '../read-cache/read-cache.ts';
import type { ConnectionRow } from './to-connection-dto.ts';

/**
 * Who a connection is and whether it works: what the router and the bindings need of it to plan a route, without its
 * tokens, which are read where they are used (the token managers' `getAccessToken`, through the same cache).
 */
export type ConnectionRef = Pick<ConnectionRow, 'id' | 'userId' | 'provider' | 'accountId' | 'state' | 'stateReason'>;

/** The columns read; each of them bumps the cache version when written (a test holds them to db/cache-version.ts). */
export const CONNECTION_REF_COLUMNS = {
  id: connections.id,
  userId: connections.userId,
  provider: connections.provider,
  accountId: connections.accountId,
  state: connections.state,
  stateReason: connections.stateReason,
};

const selectConnectionRefs = preparedQuery('select_connection_refs_by_user', (db) =>
  db
    .select(CONNECTION_REF_COLUMNS)
    .from(connections)
    .where(eq(connections.userId, sql.placeholder('userId'))),
);

/** The user's connections (one per provider at most), through the request cache (docs/request-cache.md). */
const listConnectionRefs = cachedRead('connection-refs', (context: DomainContext, userId: string) =>
  selectConnectionRefs(context.db).execute({ userId }),
);

/** The user's connection of one provider, or null: read for every route planned, by the ChatGPT and Gemini bindings. */
export async function findConnectionRef(
  context: DomainContext,
  userId: string,
  provider: ConnectionRow['provider'],
): Promise<ConnectionRef | null> {
  return (await listConnectionRefs(context, userId)).find((ref) => ref.provider === provider) ?? null;
}
