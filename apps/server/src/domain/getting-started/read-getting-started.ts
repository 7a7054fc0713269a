import type { GettingStarted } from '@pag/contracts';
import { and, eq, isNotNull } from 'drizzle-orm';
import { apiCredentials, apiKeys, connections, gettingStartedProgress } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

/** The first-run checklist of one user, read from what is stored (issue 17). */
export async function readGettingStarted(context: DomainContext, userId: string): Promise<GettingStarted> {
  const { db } = context;
  const [connection, credential, apiKey, usedApiKey, playground] = await Promise.all([
    db
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.userId, userId), eq(connections.state, 'connected')))
      .limit(1),
    db
      .select({ provider: apiCredentials.provider })
      .from(apiCredentials)
      .where(eq(apiCredentials.userId, userId))
      .limit(1),
    db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.userId, userId)).limit(1),
    db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, userId), isNotNull(apiKeys.lastUsedAt)))
      .limit(1),
    db
      .select({ userId: gettingStartedProgress.userId })
      .from(gettingStartedProgress)
      .where(eq(gettingStartedProgress.userId, userId))
      .limit(1),
  ]);
  return {
    hasProvider: connection.length > 0 || credential.length > 0,
    hasApiKey: apiKey.length > 0,
    hasTriedPlayground: playground.length > 0,
    hasUsedApiKey: usedApiKey.length > 0,
  };
}
