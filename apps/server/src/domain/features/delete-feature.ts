import { and, eq } from 'drizzle-orm';
import { userFeatures } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { findFeature } from './list-features.ts';

/** Deletes one of the user's own features; built-in ones stay (their prompt and model can be restored instead). */
export async function deleteFeature(context: DomainContext, options: { userId: string; name: string }): Promise<void> {
  const feature = await findFeature(context, { ...options, code: 'not_found' });
  if (feature.isBuiltIn) {
    throw new GatewayError(
      'invalid_request',
      `"${feature.name}" is a built-in feature and cannot be deleted; set its prompt and model to null to restore it.`,
    );
  }
  await context.db
    .delete(userFeatures)
    .where(and(eq(userFeatures.userId, options.userId), eq(userFeatures.name, feature.name)));
}
