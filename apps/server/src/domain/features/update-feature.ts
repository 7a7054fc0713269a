import type { Feature, FeatureName } from '@pag/contracts';
import { featureOverrides } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { findFeature } from './list-features.ts';

/** Replaces a feature's prompt and/or default model for one user; null restores the built-in value. */
export function updateFeature(
  context: DomainContext,
  options: { userId: string; name: FeatureName; prompt: string | null; model: string | null },
): Feature {
  const now = new Date(context.now());
  context.db
    .insert(featureOverrides)
    .values({
      userId: options.userId,
      name: options.name,
      prompt: options.prompt,
      model: options.model,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [featureOverrides.userId, featureOverrides.name],
      set: { prompt: options.prompt, model: options.model, updatedAt: now },
    })
    .run();
  return findFeature(context, { userId: options.userId, name: options.name });
}
