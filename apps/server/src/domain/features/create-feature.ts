import type { CreateFeatureRequest, Feature } from '@pag/contracts';
import { count, eq } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { userFeatures } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import { lockUserRow } from '../accounts/lock-users.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { compileOutputSchema } from '../structured-output/compile-output-schema.ts';
import { findFeature, isBuiltInFeatureName } from './list-features.ts';

/** Own features per user: far more than a note app offers, few enough to list in one answer. */
export const MAX_OWN_FEATURES = 100;

/** Adds a feature of the user's own; its name must be free (not built in, not theirs already). */
export async function createFeature(
  context: DomainContext,
  options: { userId: string; feature: CreateFeatureRequest },
): Promise<Feature> {
  const { userId, feature } = options;
  if (isBuiltInFeatureName(feature.name)) {
    throw new GatewayError(
      'invalid_request',
      `"${feature.name}" is a built-in feature: pick another name, or change the built-in one's prompt and model.`,
      { param: 'name' },
    );
  }
  if (feature.schema != null) compileOutputSchema(feature.schema);
  const now = new Date(context.now());
  // The count and the insert in one transaction, the user's row locked: two creations at once cannot both pass the
  // limit.
  const inserted = await withTransaction(context.db, async (tx) => {
    await lockUserRow(tx, userId);
    const [row] = await tx.select({ total: count() }).from(userFeatures).where(eq(userFeatures.userId, userId));
    if ((row?.total ?? 0) >= MAX_OWN_FEATURES) {
      throw new GatewayError(
        'invalid_request',
        `You have ${MAX_OWN_FEATURES} features of your own, the most there can be: delete one first.`,
      );
    }
    return changedRows(
      await tx
        .insert(userFeatures)
        .values({
          userId,
          name: feature.name,
          prompt: feature.prompt,
          model: feature.model ?? null,
          reasoningEffort: feature.reasoningEffort ?? null,
          outputSchema: feature.schema ?? null,
          routingRules: feature.routing ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing(),
    );
  });
  if (inserted === 0) {
    throw new GatewayError(
      'conflict',
      `You already have a feature "${feature.name}": change it, or pick another name.`,
      {
        param: 'name',
      },
    );
  }
  return await findFeature(context, { userId, name: feature.name });
}
