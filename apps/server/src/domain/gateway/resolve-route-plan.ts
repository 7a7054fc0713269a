import {
  type CallerPolicy,
  type ProviderName,
  providerNameSchema,
  type RoutingRules,
  UNRESTRICTED_POLICY,
} from '@pag/contracts';
import { GatewayError } from '../gateway-error.ts';
import { policyAllowsModel } from './policy-allows-model.ts';
import {
  type CatalogueEntry,
  FALLBACK_PROVIDERS,
  PROVIDER_PREFERENCE,
  type ProviderAvailability,
  type QuotaLevels,
  type RouteSettings,
  type RouteStep,
  SUBSCRIPTION_PROVIDERS,
} from './route-plan.ts';

export type ResolveRoutePlanInput = {
  /** The model the client named; null lets the router pick. */
  requestedModel: string | null;
  /**
   * The model used when the client named none: the feature's, else the user's default. Unlike a requested model it
   * yields to the caller's policy: a default the policy forbids is passed over for the first allowed model.
   */
  defaultModel?: string | null | undefined;
  catalogue: readonly CatalogueEntry[];
  availability: ProviderAvailability;
  settings: RouteSettings;
  /** What the calling key or app may use; unrestricted when omitted (a session, the CLI). */
  policy?: CallerPolicy | undefined;
  /** How full the subscription's windows are now; null or absent: unknown (threshold rules then never fire). */
  quota?: QuotaLevels | null | undefined;
  /** The routing rules that apply (issue 19): the calling key's or app's first, then the feature's. */
  rules?: readonly RoutingRules[] | undefined;
};

type Primary = { provider: ProviderName; upstreamModel: string };

/**
 * The router: a pure function from what this request asks for and what this user has to an ordered plan of
 * attempts. It keeps no state, so concurrent requests of different users can never see each other's routes.
 *
 * - `provider/model` picks that provider (which must be connected) and passes the model id through;
 * - a bare id is looked up in the user's merged catalogue (subscription first);
 * - no model picks the default (feature's or user's), else the first catalogue model of the most preferred
 *   connected provider;
 * - with "fall back to API keys" on, a subscription step is followed by one step per connected API-key provider.
 *   The runner moves to the next step only before the first byte reached the client.
 *
 * The caller's policy (docs/cors.md §1) narrows all of it: a model outside `allowedModels` is a 403
 * naming the allowed patterns, no model means the first allowed one, fallbacks go only to allowed providers and
 * models, and a "subscription only" caller gets no fallback and a 403 for an API-key model.
 *
 * Routing rules (issue 19, docs/usage.md "Quota-aware routing") of the key/app and the feature come on top: their
 * mode narrows the caller to the subscription or turns the fallback on, and a threshold rule moves a subscription
 * request to another model when a window of the subscription is fuller than it says.
 */
export function resolveRoutePlan(input: ResolveRoutePlanInput): RouteStep[] {
  const rules = input.rules ?? [];
  const basePolicy = input.policy ?? UNRESTRICTED_POLICY;
  // A "subscription only" rule narrows the caller like its policy's switch; "prefer subscription" turns the
  // fallback to API keys on for these requests. Narrowing wins when both apply.
  const isSubscriptionOnly = basePolicy.subscriptionOnly || rules.some((rule) => rule.mode === 'subscription-only');
  const policy =
    isSubscriptionOnly === basePolicy.subscriptionOnly ? basePolicy : { ...basePolicy, subscriptionOnly: true };
  const fallbackToApiKeys =
    input.settings.fallbackToApiKeys || rules.some((rule) => rule.mode === 'prefer-subscription');
  const resolved = resolvePrimary(input, policy);
  const { primary, note } = applyThresholds(input, policy, rules, resolved);
  const plan: RouteStep[] = [{ ...primary, isFallback: false, ...(note == null ? {} : { note }) }];
  if (primary.provider === 'chatgpt' && fallbackToApiKeys && !policy.subscriptionOnly) {
    const allowed = input.settings.fallbackProviders ?? FALLBACK_PROVIDERS;
    for (const provider of allowed) {
      if (!FALLBACK_PROVIDERS.includes(provider) || !isAvailable(input.availability, provider)) continue;
      const upstreamModel = pickFallbackModel(input, policy, provider, primary.upstreamModel);
      if (upstreamModel != null) plan.push({ provider, upstreamModel, isFallback: true });
    }
  }
  return plan;
}

/**
 * Threshold rules (issue 19): on a request the subscription would answer, the first rule whose window is used above
 * its percentage moves the request to the rule's model — when the caller's policy allows that model and its
 * provider is connected. A rule whose model is not allowed or not reachable is skipped, and the plan says why.
 */
function applyThresholds(
  input: ResolveRoutePlanInput,
  policy: CallerPolicy,
  rules: readonly RoutingRules[],
  primary: Primary,
): { primary: Primary; note?: string } {
  const quota = input.quota;
  if (primary.provider !== 'chatgpt' || quota == null) return { primary };
  const skipped: string[] = [];
  for (const threshold of rules.flatMap((rule) => rule.thresholds)) {
    const used = threshold.window === '5h' ? quota.fiveHourUsedPercent : quota.weeklyUsedPercent;
    if (used == null || used <= threshold.abovePercent) continue;
    const windowName = threshold.window === '5h' ? 'the 5-hour window' : 'the weekly window';
    const target = splitProviderModel(threshold.useModel);
    if (target == null) continue;
    if (!policyAllowsModel(policy, target.provider, target.upstreamModel)) {
      const why =
        policy.subscriptionOnly && !SUBSCRIPTION_PROVIDERS.includes(target.provider)
          ? 'it would use a paid API key and this caller is "subscription only"'
          : "the caller's allowed models do not include it";
      skipped.push(
        `threshold rule for ${windowName} above ${threshold.abovePercent} % ignored: ${threshold.useModel}: ${why}`,
      );
      continue;
    }
    if (!isAvailable(input.availability, target.provider)) {
      skipped.push(
        `threshold rule for ${windowName} above ${threshold.abovePercent} % ignored: ${threshold.useModel}: ` +
          `${target.provider} is not connected`,
      );
      continue;
    }
    const note = `${windowName} is ${used} % used (above ${threshold.abovePercent} %): ${primary.provider}/${primary.upstreamModel} → ${threshold.useModel}`;
    return { primary: target, note: [...skipped, note].join('; ') };
  }
  return skipped.length === 0 ? { primary } : { primary, note: skipped.join('; ') };
}

function resolvePrimary(input: ResolveRoutePlanInput, policy: CallerPolicy): Primary {
  if (input.requestedModel != null) return resolveNamed(input, policy, input.requestedModel);
  if (input.defaultModel != null) {
    try {
      return resolveNamed(input, policy, input.defaultModel);
    } catch (error) {
      if (!(error instanceof GatewayError) || !POLICY_REFUSALS.has(error.code)) throw error;
    }
  }
  return resolveFirstAllowed(input, policy);
}

/** The codes by which the policy refuses a named model; a default refused so is passed over, not an error. */
const POLICY_REFUSALS: ReadonlySet<string> = new Set(['model_not_allowed', 'subscription_only']);

function resolveNamed(input: ResolveRoutePlanInput, policy: CallerPolicy, model: string): Primary {
  const { catalogue, availability } = input;
  const explicit = splitProviderModel(model);
  if (explicit != null) {
    assertAllowed(policy, explicit, model);
    if (!isAvailable(availability, explicit.provider)) {
      throw new GatewayError(
        'no_provider',
        `The model "${model}" needs the ${explicit.provider} provider, which is not connected for this user.`,
      );
    }
    return explicit;
  }
  const matches = PROVIDER_PREFERENCE.filter(
    (provider) =>
      isAvailable(availability, provider) &&
      catalogue.some((entry) => entry.provider === provider && entry.upstreamId === model),
  ).map((provider) => ({ provider, upstreamModel: model }));
  const allowed = matches.find((match) => policyAllowsModel(policy, match.provider, match.upstreamModel));
  if (allowed != null) return allowed;
  if (matches[0] != null) assertAllowed(policy, matches[0], model);
  const known = catalogue
    .filter((entry) => policyAllowsModel(policy, entry.provider, entry.upstreamId))
    .slice(0, 8)
    .map((entry) => `${entry.provider}/${entry.upstreamId}`);
  throw new GatewayError(
    'model_not_found',
    `Unknown model "${model}". Use provider/model (for example ${known[0] ?? 'chatgpt/gpt-5.5'})` +
      (known.length > 0 ? `, or one of: ${known.join(', ')}.` : '.'),
  );
}

/** Throws the policy's refusal of a model, in words that say what the caller may use and where to change it. */
function assertAllowed(policy: CallerPolicy, target: Primary, asked: string): void {
  if (policyAllowsModel(policy, target.provider, target.upstreamModel)) return;
  if (policy.subscriptionOnly && !SUBSCRIPTION_PROVIDERS.includes(target.provider)) {
    throw new GatewayError(
      'subscription_only',
      `The model "${asked}" would use a paid ${target.provider} API key, and this API key or app is "subscription ` +
        `only". Ask for a ${SUBSCRIPTION_PROVIDERS.map((name) => `${name}/…`).join(' or ')} model, or turn ` +
        '"Subscription only" off for it in the gateway\'s settings (API keys, or Connected apps).',
      { param: 'model' },
    );
  }
  throw new GatewayError(
    'model_not_allowed',
    `This API key or app may not use "${asked}": it may use only ${(policy.allowedModels ?? []).join(', ')}. ` +
      "Ask for one of those, or change its allowed models in the gateway's settings (API keys, or Connected apps).",
    { param: 'model' },
  );
}

/** No model named and no usable default: the first the policy allows, in the order of its patterns. */
function resolveFirstAllowed(input: ResolveRoutePlanInput, policy: CallerPolicy): Primary {
  const { catalogue, availability } = input;
  const candidates: Primary[] =
    policy.allowedModels == null
      ? PROVIDER_PREFERENCE.flatMap((provider) => firstOf(catalogue, provider))
      : policy.allowedModels.flatMap((pattern) => {
          const explicit = splitProviderModel(pattern);
          if (explicit == null) return [];
          return explicit.upstreamModel === '*' ? firstOf(catalogue, explicit.provider) : [explicit];
        });
  const found = candidates.find(
    (candidate) =>
      isAvailable(availability, candidate.provider) &&
      policyAllowsModel(policy, candidate.provider, candidate.upstreamModel),
  );
  if (found != null) return found;
  if (policy.subscriptionOnly) {
    throw new GatewayError(
      'no_provider',
      'This API key or app is "subscription only", and no subscription model it may use is available: connect ' +
        'your ChatGPT subscription in Settings → Connections.',
    );
  }
  if (policy.allowedModels != null) {
    throw new GatewayError(
      'no_provider',
      `None of the models this API key or app may use (${policy.allowedModels.join(', ')}) is available: connect ` +
        "their provider in Settings → Connections, or change its allowed models in the gateway's settings.",
    );
  }
  throw new GatewayError(
    'no_provider',
    'No AI provider is connected: connect your ChatGPT subscription or add an API key in Settings → Connections.',
  );
}

function firstOf(catalogue: readonly CatalogueEntry[], provider: ProviderName): Primary[] {
  const first = catalogue.find((entry) => entry.provider === provider);
  return first == null ? [] : [{ provider, upstreamModel: first.upstreamId }];
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

function pickFallbackModel(
  input: ResolveRoutePlanInput,
  policy: CallerPolicy,
  provider: ProviderName,
  primaryModel: string,
): string | null {
  const allows = (model: string) => policyAllowsModel(policy, provider, model);
  const configured = input.settings.fallbackModel;
  if (configured != null) {
    const explicit = splitProviderModel(configured);
    if (explicit != null) {
      return explicit.provider === provider && allows(explicit.upstreamModel) ? explicit.upstreamModel : null;
    }
    if (
      allows(configured) &&
      input.catalogue.some((entry) => entry.provider === provider && entry.upstreamId === configured)
    )
      return configured;
  }
  const ofProvider = input.catalogue.filter((entry) => entry.provider === provider && allows(entry.upstreamId));
  return (ofProvider.find((entry) => entry.upstreamId === primaryModel) ?? ofProvider[0])?.upstreamId ?? null;
}

function isAvailable(availability: ProviderAvailability, provider: ProviderName): boolean {
  return availability[provider] != null;
}
