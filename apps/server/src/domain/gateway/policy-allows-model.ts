import type { CallerPolicy, ProviderName } from '@pag/contracts';
import { SUBSCRIPTION_PROVIDERS } from './route-plan.ts';

/**
 * Whether a caller's policy lets it use `provider/upstreamModel`: the provider must be a subscription when the
 * caller is "subscription only", and the model must match one of `allowedModels` (`provider/*` or exact) when the
 * policy lists any. Pure; the router, the model lists and embeddings all ask this one function.
 */
export function policyAllowsModel(policy: CallerPolicy, provider: ProviderName, upstreamModel: string): boolean {
  if (policy.subscriptionOnly && !SUBSCRIPTION_PROVIDERS.includes(provider)) return false;
  if (policy.allowedModels == null) return true;
  return policy.allowedModels.some(
    (pattern) => pattern === `${provider}/*` || pattern === `${provider}/${upstreamModel}`,
  );
}

/** Whether any model of this provider could be allowed (a pattern names it), before a model is chosen. */
export function policyAllowsProvider(policy: CallerPolicy, provider: ProviderName): boolean {
  if (policy.subscriptionOnly && !SUBSCRIPTION_PROVIDERS.includes(provider)) return false;
  return policy.allowedModels == null || policy.allowedModels.some((pattern) => pattern.startsWith(`${provider}/`));
}
