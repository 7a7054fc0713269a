import type { Feature, OutputSchema, ReasoningEffort, RoutingRules } from '@pag/contracts';
import { and, eq } from 'drizzle-orm';
import { featureOverrides, userFeatures } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { compileOutputSchema } from '../structured-output/compile-output-schema.ts';
import { findFeature } from './list-features.ts';

/**
 * Changes a feature for one user. A built-in feature takes a prompt, a default model (null restores the built-in
 * value; its schema and effort are fixed) and routing rules; the user's own feature takes every field, its prompt never null.
 * `undefined` leaves the reasoning effort or schema as it is.
 */
export async function updateFeature(
  context: DomainContext,
  options: {
    userId: string;
    name: string;
    prompt: string | null;
    model: string | null;
    reasoningEffort?: ReasoningEffort | null | undefined;
    schema?: OutputSchema | null | undefined;
    /** Routing by the subscription's quota (issue 19); undefined keeps the stored rules. Every feature takes them. */
    routing?: RoutingRules | undefined;
  },
): Promise<Feature> {
  const feature = await findFeature(context, { userId: options.userId, name: options.name, code: 'not_found' });
  const now = new Date(context.now());
  const routing = options.routing === undefined ? {} : { routingRules: options.routing };
  if (feature.isBuiltIn) {
    if (options.reasoningEffort != null || options.schema != null) {
      throw new GatewayError(
        'invalid_request',
        `The built-in feature "${feature.name}" takes only "prompt" and "model"; create a feature of your own for a ` +
          'reasoning effort or an output schema.',
      );
    }
    await context.db
      .insert(featureOverrides)
      .values({
        userId: options.userId,
        name: feature.name,
        prompt: options.prompt,
        model: options.model,
        ...routing,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [featureOverrides.userId, featureOverrides.name],
        set: { prompt: options.prompt, model: options.model, ...routing, updatedAt: now },
      });
  } else {
    if (options.prompt == null) {
      throw new GatewayError('invalid_request', '"prompt" must be text: your own features have no built-in prompt.', {
        param: 'prompt',
      });
    }
    if (options.schema != null) compileOutputSchema(options.schema);
    await context.db
      .update(userFeatures)
      .set({
        prompt: options.prompt,
        model: options.model,
        ...(options.reasoningEffort === undefined ? {} : { reasoningEffort: options.reasoningEffort }),
        ...(options.schema === undefined ? {} : { outputSchema: options.schema }),
        ...routing,
        updatedAt: now,
      })
      .where(and(eq(userFeatures.userId, options.userId), eq(userFeatures.name, feature.name)));
  }
  // Deleted meanwhile by another request: not found, as the path names it.
  return await findFeature(context, { userId: options.userId, name: feature.name, code: 'not_found' });
}
