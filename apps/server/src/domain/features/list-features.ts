import {
  DEFAULT_ROUTING_RULES,
  FEATURE_NAMES,
  type Feature,
  type FeatureName,
  type ReasoningEffort,
} from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { featureOverrides, userFeatures } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { cachedRead } from '../read-cache/read-cache.ts';
import { BUILTIN_FEATURE_PROMPTS, BUILTIN_FEATURE_SCHEMAS } from './builtin-features.ts';

/**
 * Every feature for a user: the built-in ones (their prompt unless they replaced it, their default model if any),
 * then their own, by name. Through the request cache: a note-app request naming a feature reads them all
 * (docs/request-cache.md); what it returns is frozen, shared by the requests that read it.
 */
export const listFeatures: (context: DomainContext, userId: string) => Promise<readonly Feature[]> = cachedRead(
  'features',
  readFeatures,
);

async function readFeatures(context: DomainContext, userId: string): Promise<Feature[]> {
  const overrideRows = await context.db.select().from(featureOverrides).where(eq(featureOverrides.userId, userId));
  const overrides = new Map(overrideRows.map((row) => [row.name, row]));
  const builtIn = FEATURE_NAMES.map((name): Feature => {
    const override = overrides.get(name);
    return {
      name,
      isBuiltIn: true,
      prompt: override?.prompt ?? BUILTIN_FEATURE_PROMPTS[name],
      model: override?.model ?? null,
      reasoningEffort: null,
      schema: BUILTIN_FEATURE_SCHEMAS[name] ?? null,
      isCustomized: override != null && (override.prompt != null || override.model != null),
      routing: override?.routingRules ?? DEFAULT_ROUTING_RULES,
    };
  });
  const ownRows = await context.db
    .select()
    .from(userFeatures)
    .where(eq(userFeatures.userId, userId))
    .orderBy(userFeatures.name);
  const own = ownRows.map(
    (row): Feature => ({
      name: row.name,
      isBuiltIn: false,
      prompt: row.prompt,
      model: row.model,
      reasoningEffort: (row.reasoningEffort as ReasoningEffort | null) ?? null,
      schema: row.outputSchema ?? null,
      isCustomized: false,
      routing: row.routingRules ?? DEFAULT_ROUTING_RULES,
    }),
  );
  return [...builtIn, ...own];
}

export function isBuiltInFeatureName(name: string): name is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(name);
}

/**
 * The feature a request names. An unknown name is the caller's mistake: `invalid_request` (400) listing what the
 * user has, or with `code: 'not_found'` for a route whose path names it.
 */
export async function findFeature(
  context: DomainContext,
  options: { userId: string; name: string; code?: 'invalid_request' | 'not_found' },
): Promise<Feature> {
  const features = await listFeatures(context, options.userId);
  const feature = features.find((candidate) => candidate.name === options.name);
  if (feature == null) {
    const names = features.map((candidate) => candidate.name).join(', ');
    throw new GatewayError(
      options.code ?? 'invalid_request',
      `There is no feature "${options.name}". Available: ${names}. Create your own with POST /api/ai/features ` +
        'or under Settings → Models & features.',
      { param: 'feature' },
    );
  }
  return feature;
}
