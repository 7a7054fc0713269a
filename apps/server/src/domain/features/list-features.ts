import { FEATURE_NAMES, type Feature, type FeatureName } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { featureOverrides } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { BUILTIN_FEATURE_PROMPTS } from './builtin-features.ts';

/** Every feature for a user: the built-in prompt unless they replaced it, and their default model if any. */
export function listFeatures(context: DomainContext, userId: string): Feature[] {
  const overrides = new Map(
    context.db
      .select()
      .from(featureOverrides)
      .where(eq(featureOverrides.userId, userId))
      .all()
      .map((row) => [row.name, row]),
  );
  return FEATURE_NAMES.map((name) => {
    const override = overrides.get(name);
    return {
      name,
      prompt: override?.prompt ?? BUILTIN_FEATURE_PROMPTS[name],
      model: override?.model ?? null,
      isCustomized: override != null && (override.prompt != null || override.model != null),
    };
  });
}

export function findFeature(context: DomainContext, options: { userId: string; name: FeatureName }): Feature {
  const feature = listFeatures(context, options.userId).find((candidate) => candidate.name === options.name);
  if (feature == null) throw new TypeError(`"name" must be a feature name, got ${options.name}`);
  return feature;
}
