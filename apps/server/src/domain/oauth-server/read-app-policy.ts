import type { CallerPolicy } from '@pag/contracts';
import { and, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { appPolicies } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { cachedRead } from '../read-cache/read-cache.ts';

const selectPolicy = preparedQuery('select_app_policy', (db) =>
  db
    .select()
    .from(appPolicies)
    .where(
      and(eq(appPolicies.userId, sql.placeholder('userId')), eq(appPolicies.clientId, sql.placeholder('clientId'))),
    ),
);

/** The saved policy row (or none), through the request cache: a connected app's every request reads it. */
const readPolicyRow = cachedRead(
  'app-policy',
  async (context: DomainContext, userId: string, clientId: string) =>
    (await selectPolicy(context.db).execute({ userId, clientId }))[0] ?? null,
);

/**
 * The origins of a client's redirect URIs: where a browser app that connected runs, so the origins its requests come
 * from by default (docs/app-connect.md §5). Only http(s) origins; duplicates once.
 */
export function redirectOrigins(redirectUris: readonly string[]): string[] {
  const origins = redirectUris
    .map((uri) => URL.parse(uri))
    .filter((url) => url != null && (url.protocol === 'https:' || url.protocol === 'http:'))
    .map((url) => url?.origin ?? '');
  return [...new Set(origins)];
}

/**
 * The policy of one connected app for one user: what they saved under Settings → Connected apps, or the default —
 * every model, fallback as the user set it, and the origins of the app's redirect URIs. Read for every request the
 * app makes (from the request cache while it is unchanged), so a change applies to its next one.
 */
export async function readAppPolicy(
  context: DomainContext,
  options: { userId: string; clientId: string; redirectUris: readonly string[] },
): Promise<CallerPolicy> {
  const row = await readPolicyRow(context, options.userId, options.clientId);
  if (row == null) {
    return { allowedModels: null, subscriptionOnly: false, allowedOrigins: redirectOrigins(options.redirectUris) };
  }
  return {
    allowedModels: row.allowedModels ?? null,
    subscriptionOnly: row.subscriptionOnly,
    allowedOrigins: row.allowedOrigins,
    // Routing rules (issue 19) only when some were saved.
    ...(row.routingRules == null ? {} : { routing: row.routingRules }),
  };
}

/**
 * Writes a newly approved app's default policy (its redirect URIs' origins allowed) unless the user already has one
 * for it: the CORS preflight reads stored policies only, and a re-approval keeps what the user changed.
 */
export async function ensureAppPolicy(
  context: DomainContext,
  options: { userId: string; clientId: string; redirectUris: readonly string[] },
): Promise<void> {
  await context.db
    .insert(appPolicies)
    .values({
      userId: options.userId,
      clientId: options.clientId,
      allowedModels: null,
      subscriptionOnly: false,
      allowedOrigins: redirectOrigins(options.redirectUris),
      updatedAt: new Date(context.now()),
    })
    .onConflictDoNothing();
}
