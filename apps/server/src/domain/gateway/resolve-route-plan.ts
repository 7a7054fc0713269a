import { type ProviderName, providerNameSchema } from '@pag/contracts';
import { GatewayError } from '../gateway-error.ts';
import {
  type CatalogueEntry,
  FALLBACK_PROVIDERS,
  PROVIDER_PREFERENCE,
  type ProviderAvailability,
  type RouteSettings,
  type RouteStep,
} from './route-plan.ts';

export type ResolveRoutePlanInput = {
  /** The request's model, else the feature's, else the user's default; null lets the router pick. */
  requestedModel: string | null;
  catalogue: readonly CatalogueEntry[];
  availability: ProviderAvailability;
  settings: RouteSettings;
};

/**
 * The router: a pure function from what this request asks for and what this user has to an ordered plan of
 * attempts. It keeps no state, so concurrent requests of different users can never see each other's routes.
 *
 * - `provider/model` picks that provider (which must be connected) and passes the model id through;
 * - a bare id is looked up in the user's merged catalogue (subscription first);
 * - no model picks the first catalogue model of the most preferred connected provider;
 * - with "fall back to API keys" on, a subscription step is followed by one step per connected API-key provider.
 *   The runner moves to the next step only before the first byte reached the client.
 */
export function resolveRoutePlan(input: ResolveRoutePlanInput): RouteStep[] {
  const primary = resolvePrimary(input);
  const plan: RouteStep[] = [{ ...primary, isFallback: false }];
  if (primary.provider === 'chatgpt' && input.settings.fallbackToApiKeys) {
    const allowed = input.settings.fallbackProviders ?? FALLBACK_PROVIDERS;
    for (const provider of allowed) {
      if (!FALLBACK_PROVIDERS.includes(provider) || !isAvailable(input.availability, provider)) continue;
      const upstreamModel = pickFallbackModel(input, provider, primary.upstreamModel);
      if (upstreamModel != null) plan.push({ provider, upstreamModel, isFallback: true });
    }
  }
  return plan;
}

function resolvePrimary(input: ResolveRoutePlanInput): { provider: ProviderName; upstreamModel: string } {
  const { requestedModel, catalogue, availability } = input;
  if (requestedModel == null) {
    for (const provider of PROVIDER_PREFERENCE) {
      if (!isAvailable(availability, provider)) continue;
      const first = catalogue.find((entry) => entry.provider === provider);
      if (first != null) return { provider, upstreamModel: first.upstreamId };
    }
    throw new GatewayError(
      'no_provider',
      'No AI provider is connected: connect your ChatGPT subscription or add an API key in Settings → Connections.',
    );
  }
  const explicit = splitProviderModel(requestedModel);
  if (explicit != null) {
    if (!isAvailable(availability, explicit.provider)) {
      throw new GatewayError(
        'no_provider',
        `The model "${requestedModel}" needs the ${explicit.provider} provider, which is not connected for this user.`,
      );
    }
    return explicit;
  }
  for (const provider of PROVIDER_PREFERENCE) {
    if (!isAvailable(availability, provider)) continue;
    if (catalogue.some((entry) => entry.provider === provider && entry.upstreamId === requestedModel)) {
      return { provider, upstreamModel: requestedModel };
    }
  }
  const known = catalogue.slice(0, 8).map((entry) => `${entry.provider}/${entry.upstreamId}`);
  throw new GatewayError(
    'model_not_found',
    `Unknown model "${requestedModel}". Use provider/model (for example ${known[0] ?? 'chatgpt/gpt-5.5'})` +
      (known.length > 0 ? `, or one of: ${known.join(', ')}.` : '.'),
  );
}

/** `chatgpt/gpt-5.5` → provider + upstream id; null for a bare id. Upstream ids may themselves contain `/`. */
export function splitProviderModel(model: string): { provider: ProviderName; upstreamModel: string } | null {
  const slash = model.indexOf('/');
  if (slash <= 0) return null;
  const provider = providerNameSchema.safeParse(model.slice(0, slash));
  const upstreamModel = model.slice(slash + 1);
  if (!provider.success || upstreamModel === '') return null;
  return { provider: provider.data, upstreamModel };
}

function pickFallbackModel(input: ResolveRoutePlanInput, provider: ProviderName, primaryModel: string): string | null {
  const configured = input.settings.fallbackModel;
  if (configured != null) {
    const explicit = splitProviderModel(configured);
    if (explicit != null) return explicit.provider === provider ? explicit.upstreamModel : null;
    if (input.catalogue.some((entry) => entry.provider === provider && entry.upstreamId === configured))
      return configured;
  }
  const ofProvider = input.catalogue.filter((entry) => entry.provider === provider);
  return (ofProvider.find((entry) => entry.upstreamId === primaryModel) ?? ofProvider[0])?.upstreamId ?? null;
}

function isAvailable(availability: ProviderAvailability, provider: ProviderName): boolean {
  return availability[provider] != null;
}
