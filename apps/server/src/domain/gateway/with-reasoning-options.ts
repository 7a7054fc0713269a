import type { SharedV3ProviderOptions } from '@pag/providers';
import type { ProviderBinding } from './providers/provider-binding.ts';

/**
 * The call's own provider options (e.g. how strictly a JSON schema is held, from a `/v1` request) with the
 * binding's reasoning effort on top, as the one `providerOptions` of the upstream call; none when both are empty.
 */
export function withReasoningOptions(
  callOptions: SharedV3ProviderOptions | undefined,
  binding: ProviderBinding,
  effort: string | undefined,
): { providerOptions?: SharedV3ProviderOptions } {
  const reasoning = effort == null ? {} : binding.reasoningOptions(effort);
  const merged: SharedV3ProviderOptions = { ...callOptions };
  for (const [key, value] of Object.entries(reasoning)) merged[key] = { ...merged[key], ...value };
  return Object.keys(merged).length === 0 ? {} : { providerOptions: merged };
}
