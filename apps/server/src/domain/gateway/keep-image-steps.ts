import { GatewayError } from '../gateway-error.ts';
import type { CatalogueEntry, RouteStep } from './route-plan.ts';

/**
 * The plan of a request with images, without the steps whose model is known to take text only (its catalogue
 * entry's `inputModalities` lack `image`; a model whose provider does not say is tried). When the first step is
 * such a model the request fails before any upstream call: a 400 naming a model that can see images, so the
 * caller knows what to ask for instead.
 */
export function keepImageSteps(plan: readonly RouteStep[], catalogue: readonly CatalogueEntry[]): RouteStep[] {
  const entryOf = (step: RouteStep) =>
    catalogue.find((entry) => entry.provider === step.provider && entry.upstreamId === step.upstreamModel);
  const canSee = (entry: CatalogueEntry | undefined) => entry?.inputModalities?.includes('image') ?? true;
  const first = plan[0];
  if (first != null && !canSee(entryOf(first))) {
    const seeing = catalogue.find((entry) => entry.inputModalities?.includes('image') === true);
    const instead =
      seeing == null
        ? 'None of the models you can use lists images as input: connect one that does.'
        : `Ask for a model that can, e.g. "model": "${seeing.provider}/${seeing.upstreamId}".`;
    throw new GatewayError(
      'model_cannot_see_images',
      `The model ${first.provider}/${first.upstreamModel} takes text only, and the request has images. ${instead}`,
      { param: 'model' },
    );
  }
  return plan.filter((step) => canSee(entryOf(step)));
}
