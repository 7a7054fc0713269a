import type { CallerPolicy } from '@pag/contracts';
import { appPolicies } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import { findUserGrantId, readClientMetadata } from './connected-apps.ts';
import type { OAuthStoreContext } from './database-oauth-adapter.ts';
import { readAppPolicy } from './read-app-policy.ts';

/** The client of one of the user's connected apps, or not_found (never another user's: the grant is the user's). */
async function requireConnectedClient(context: OAuthStoreContext, userId: string, clientId: string) {
  const client =
    (await findUserGrantId(context, userId, clientId)) == null ? null : await readClientMetadata(context, clientId);
  if (client == null) {
    throw new GatewayError('not_found', 'No connected app with that client id: it may have been disconnected.');
  }
  return client;
}

/** `GET /api/connected-apps/:clientId/policy`: what the app may do for this user (docs/app-connect.md §5). */
export async function getConnectedAppPolicy(
  context: OAuthStoreContext,
  options: { userId: string; clientId: string },
): Promise<CallerPolicy> {
  const client = await requireConnectedClient(context, options.userId, options.clientId);
  return readAppPolicy(context, { ...options, redirectUris: client.redirectUris });
}

/** `PUT /api/connected-apps/:clientId/policy`: replaces the app's policy for this user; its next request obeys it. */
export async function saveConnectedAppPolicy(
  context: OAuthStoreContext,
  options: { userId: string; clientId: string; policy: CallerPolicy },
): Promise<CallerPolicy> {
  await requireConnectedClient(context, options.userId, options.clientId);
  const values = {
    allowedModels: options.policy.allowedModels,
    subscriptionOnly: options.policy.subscriptionOnly,
    allowedOrigins: [...new Set(options.policy.allowedOrigins)],
    // Absent routing rules (issue 19) keep the stored ones.
    ...(options.policy.routing === undefined ? {} : { routingRules: options.policy.routing }),
    updatedAt: new Date(context.now()),
  };
  await context.db
    .insert(appPolicies)
    .values({ userId: options.userId, clientId: options.clientId, ...values })
    .onConflictDoUpdate({ target: [appPolicies.userId, appPolicies.clientId], set: values });
  return getConnectedAppPolicy(context, { userId: options.userId, clientId: options.clientId });
}
