import type { GettingStarted } from '@pag/contracts';
import { and, eq, isNotNull } from 'drizzle-orm';
import { apiCredentials, apiKeys, connections, gettingStartedProgress } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

/** The first-run checklist of one user, read from what is stored (issue 17). */
export function readGettingStarted(context: DomainContext, userId: string): GettingStarted {
  const { db } = context;
  const hasConnection =
    db
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.userId, userId), eq(connections.state, 'connected')))
      .get() != null;
  const hasCredential =
    db
      .select({ provider: apiCredentials.provider })
      .from(apiCredentials)
      .where(eq(apiCredentials.userId, userId))
      .get() != null;
  const hasApiKey = db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.userId, userId)).get() != null;
  const hasUsedApiKey =
    db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, userId), isNotNull(apiKeys.lastUsedAt)))
      .get() != null;
  const hasTriedPlayground =
    db
      .select({ userId: gettingStartedProgress.userId })
      .from(gettingStartedProgress)
      .where(eq(gettingStartedProgress.userId, userId))
      .get() != null;
  return {
    hasProvider: hasConnection || hasCredential,
    hasApiKey,
    hasTriedPlayground,
    hasUsedApiKey,
  };
}
