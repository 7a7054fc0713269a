import { and, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { connections } from '../../db/schema.ts';

/**
 * A user's ChatGPT connection row (`.get({ userId })`), prepared once: it is read on every subscription request,
 * by the router and by the token manager.
 */
export const selectChatgptConnection = preparedQuery((db) =>
  db
    .select()
    .from(connections)
    .where(and(eq(connections.userId, sql.placeholder('userId')), eq(connections.provider, 'chatgpt')))
    .prepare(),
);
