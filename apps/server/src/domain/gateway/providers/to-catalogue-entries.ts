import type { ProviderName } from '@pag/contracts';
import type { CatalogueEntry } from '../route-plan.ts';

/** Catalogue entries of one provider from its model listing (any of the providers' listing shapes). */
export function toCatalogueEntries(
  provider: ProviderName,
  models: readonly {
    id: string;
    displayName?: string | null | undefined;
    reasoningEfforts?: readonly string[] | null;
    inputModalities?: readonly string[] | null;
  }[],
): CatalogueEntry[] {
  return models.map((model) => ({
    provider,
    upstreamId: model.id,
    displayName: model.displayName ?? model.id,
    reasoningEfforts: model.reasoningEfforts ?? [],
    ...(model.inputModalities == null ? {} : { inputModalities: model.inputModalities }),
  }));
}
