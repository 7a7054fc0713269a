import {
  type CallerPolicy,
  callerPolicySchema,
  DEFAULT_ROUTING_RULES,
  type ModelEntry,
  type RoutingRules,
} from '@pag/contracts';

/**
 * A caller policy as the editor holds it while the user types: whether models are limited at all (an empty list
 * while limiting is allowed to exist half-made), and the origins as the text the user typed, one per line.
 */
export type CallerPolicyDraft = {
  limitModels: boolean;
  allowedModels: string[];
  subscriptionOnly: boolean;
  originsText: string;
  /** Routing by the subscription's quota (issue 19). */
  routing: RoutingRules;
};

export type CallerPolicyDraftErrors = { allowedModels?: string; allowedOrigins?: string; routing?: string };

/** The draft of a saved policy. */
export function toCallerPolicyDraft(policy: CallerPolicy): CallerPolicyDraft {
  return {
    limitModels: policy.allowedModels != null,
    allowedModels: policy.allowedModels ?? [],
    subscriptionOnly: policy.subscriptionOnly,
    originsText: policy.allowedOrigins.join('\n'),
    routing: policy.routing ?? DEFAULT_ROUTING_RULES,
  };
}

/** The policy a draft stands for, or what to fix, worded to follow the field's label. */
export function fromCallerPolicyDraft(
  draft: CallerPolicyDraft,
): { policy: CallerPolicy; errors: null } | { policy: null; errors: CallerPolicyDraftErrors } {
  // Origins may be pasted with commas or a trailing slash (copied from the address bar): both are forgiven.
  const allowedOrigins = [
    ...new Set(
      draft.originsText
        .split(/[\s,]+/)
        .map((origin) => origin.trim().replace(/\/+$/, ''))
        .filter((origin) => origin !== ''),
    ),
  ];
  const allowedModels = [...new Set(draft.allowedModels)];
  const errors: CallerPolicyDraftErrors = {};
  if (draft.limitModels && allowedModels.length === 0) {
    errors.allowedModels = 'must include at least one model or provider (or choose every model).';
  }
  const parsed = callerPolicySchema.safeParse({
    allowedModels: draft.limitModels ? allowedModels : null,
    subscriptionOnly: draft.subscriptionOnly,
    allowedOrigins,
    routing: draft.routing,
  });
  for (const issue of parsed.error?.issues ?? []) {
    const [field, index] = issue.path;
    if (field === 'routing') {
      errors.routing ??= `${issue.path.slice(1).join('.')} ${issue.message}`;
      continue;
    }
    const key = field === 'allowedOrigins' ? 'allowedOrigins' : 'allowedModels';
    const list = key === 'allowedOrigins' ? allowedOrigins : allowedModels;
    errors[key] ??= `${issue.message}${typeof index === 'number' ? ` (not "${list[index]}")` : ''}`;
  }
  if (!parsed.success || errors.allowedModels != null || errors.routing != null) return { policy: null, errors };
  return { policy: parsed.data, errors: null };
}

/**
 * What the editor offers to tick: every provider the user has (`provider/*`, all its models) and each model, in
 * the catalogue's order. Patterns already in the policy that the catalogue no longer lists stay offered.
 */
export function modelPatternChoices(models: readonly ModelEntry[], current: readonly string[]): string[] {
  const providers = [...new Set(models.map((model) => model.provider))].map((provider) => `${provider}/*`);
  const choices = [...providers, ...models.map((model) => model.id)];
  return [...new Set([...choices, ...current])];
}

/** A policy in a few words, for the key list. */
export function describeCallerPolicy(policy: CallerPolicy): string[] {
  const models = policy.allowedModels == null ? 'Every model' : `Only ${policy.allowedModels.join(', ')}`;
  const spending = policy.subscriptionOnly ? 'Subscription only' : null;
  const origins =
    policy.allowedOrigins.length === 0 ? 'No web pages' : `Web pages: ${policy.allowedOrigins.join(', ')}`;
  const routing = policy.routing;
  const rules =
    routing == null || (routing.mode === 'default' && routing.thresholds.length === 0)
      ? null
      : [
          routing.mode === 'prefer-subscription' ? 'Prefers subscription' : null,
          routing.mode === 'subscription-only' && !policy.subscriptionOnly ? 'Subscription only' : null,
          ...routing.thresholds.map(
            (rule) => `Above ${rule.abovePercent} % (${rule.window === '5h' ? '5-hour' : 'weekly'}) → ${rule.useModel}`,
          ),
        ]
          .filter((part) => part != null)
          .join('; ');
  return [models, spending, rules, origins].filter((part): part is string => part != null && part !== '');
}
