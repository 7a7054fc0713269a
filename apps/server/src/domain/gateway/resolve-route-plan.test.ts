import type { CallerPolicy, RoutingRules } from '@pag/contracts';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../gateway-error.ts';
import { resolveRoutePlan, splitProviderModel } from './resolve-route-plan.ts';
import type { CatalogueEntry, ProviderAvailability } from './route-plan.ts';

const entry = (provider: CatalogueEntry['provider'], upstreamId: string): CatalogueEntry => ({
  provider,
  upstreamId,
  displayName: upstreamId,
  reasoningEfforts: [],
});
const catalogue = [
  entry('chatgpt', 'gpt-5.5'),
  entry('chatgpt', 'gpt-5.4-mini'),
  entry('openai', 'gpt-4.1'),
  entry('openai', 'gpt-5.5'),
  entry('gemini', 'gemini-3.5-flash'),
];
const everything: ProviderAvailability = {
  chatgpt: { state: 'connected' },
  openai: { baseUrl: 'https://api.openai.com/v1' },
  gemini: { kind: 'api-key' },
  anthropic: null,
};
const noFallback = { fallbackToApiKeys: false, fallbackModel: null };

function plan(requestedModel: string | null, options: Partial<Parameters<typeof resolveRoutePlan>[0]> = {}) {
  return resolveRoutePlan({ requestedModel, catalogue, availability: everything, settings: noFallback, ...options });
}

describe('resolveRoutePlan', () => {
  it('should route explicit provider/model ids as given', () => {
    expect(plan('openai/gpt-4.1')).toEqual([{ provider: 'openai', upstreamModel: 'gpt-4.1', isFallback: false }]);
    expect(plan('openai/meta-llama/llama-4')).toEqual([
      { provider: 'openai', upstreamModel: 'meta-llama/llama-4', isFallback: false },
    ]);
  });

  it('should resolve bare ids through the catalogue, subscription first', () => {
    expect(plan('gpt-5.5')[0]).toMatchObject({ provider: 'chatgpt', upstreamModel: 'gpt-5.5' });
    expect(plan('gemini-3.5-flash')[0]).toMatchObject({ provider: 'gemini' });
    expect(plan('gpt-5.5', { availability: { ...everything, chatgpt: null } })[0]).toMatchObject({
      provider: 'openai',
    });
  });

  it('should pick the preferred provider when no model is named', () => {
    expect(plan(null)[0]).toMatchObject({ provider: 'chatgpt', upstreamModel: 'gpt-5.5' });
    expect(
      plan(null, { availability: { chatgpt: null, openai: null, gemini: { kind: 'api-key' }, anthropic: null } })[0],
    ).toMatchObject({
      provider: 'gemini',
    });
  });

  it('should add API-key fallbacks after a subscription step only when the user turned them on', () => {
    expect(plan('gpt-5.5')).toHaveLength(1);
    expect(plan('gpt-5.5', { settings: { fallbackToApiKeys: true, fallbackModel: null } })).toEqual([
      { provider: 'chatgpt', upstreamModel: 'gpt-5.5', isFallback: false },
      { provider: 'openai', upstreamModel: 'gpt-5.5', isFallback: true },
      { provider: 'gemini', upstreamModel: 'gemini-3.5-flash', isFallback: true },
    ]);
    expect(plan('gpt-5.5', { settings: { fallbackToApiKeys: true, fallbackModel: 'openai/gpt-4.1' } })).toEqual([
      { provider: 'chatgpt', upstreamModel: 'gpt-5.5', isFallback: false },
      { provider: 'openai', upstreamModel: 'gpt-4.1', isFallback: true },
    ]);
    expect(plan('openai/gpt-4.1', { settings: { fallbackToApiKeys: true, fallbackModel: null } })).toHaveLength(1);
  });

  it('should fall back only to the providers the user allows, in their order', () => {
    const only = (fallbackProviders: ('openai' | 'gemini')[]) =>
      plan('gpt-5.5', { settings: { fallbackToApiKeys: true, fallbackModel: null, fallbackProviders } })
        .slice(1)
        .map((step) => step.provider);
    expect(only(['gemini'])).toEqual(['gemini']);
    expect(only(['gemini', 'openai'])).toEqual(['gemini', 'openai']);
    expect(only([])).toEqual([]);
  });

  it('should route Gemini the same whether a key or a Google account reaches it', () => {
    const google: ProviderAvailability = { ...everything, gemini: { kind: 'oauth' } };
    expect(plan('gemini/gemini-3.5-flash', { availability: google })).toEqual([
      { provider: 'gemini', upstreamModel: 'gemini-3.5-flash', isFallback: false },
    ]);
    expect(
      plan(null, { availability: { chatgpt: null, openai: null, gemini: { kind: 'oauth' }, anthropic: null } })[0],
    ).toMatchObject({
      provider: 'gemini',
    });
    expect(
      plan('gpt-5.5', { availability: google, settings: { fallbackToApiKeys: true, fallbackModel: null } }),
    ).toEqual(plan('gpt-5.5', { settings: { fallbackToApiKeys: true, fallbackModel: null } }));
  });

  it.each([
    ['an unknown bare id', 'gpt-9', 'model_not_found', /Unknown model "gpt-9"/],
    ['a provider that is not connected', 'gemini/gemini-3.5-flash', 'no_provider', /needs the gemini provider/],
  ])('should refuse %s', (_label, model, code, message) => {
    const attempt = () => plan(model, { availability: { ...everything, gemini: null } });
    expect(attempt).toThrow(GatewayError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as GatewayError).code).toBe(code);
    }
  });

  it('should say what to connect when nothing is', () => {
    expect(() => plan(null, { availability: { chatgpt: null, openai: null, gemini: null, anthropic: null } })).toThrow(
      /No AI provider is connected/,
    );
  });

  it('should split provider/model ids', () => {
    expect(splitProviderModel('chatgpt/gpt-5.5')).toEqual({ provider: 'chatgpt', upstreamModel: 'gpt-5.5' });
    expect(splitProviderModel('gpt-5.5')).toBeNull();
    expect(splitProviderModel('unknown/gpt')).toBeNull();
    expect(splitProviderModel('openai/')).toBeNull();
  });
});

const withFallback = { fallbackToApiKeys: true, fallbackModel: null };
const policy = (changes: Partial<CallerPolicy>): CallerPolicy => ({
  allowedModels: null,
  subscriptionOnly: false,
  allowedOrigins: [],
  ...changes,
});
const steps = (result: ReturnType<typeof plan>) =>
  result.map((step) => `${step.provider}/${step.upstreamModel}${step.isFallback ? ' (fallback)' : ''}`);
function refusal(attempt: () => unknown): { code: string; message: string } {
  try {
    attempt();
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('issue 18: resolveRoutePlan under a caller policy', () => {
  it.each<[string, string | null, Partial<CallerPolicy>, Partial<Parameters<typeof plan>[1]>, string[]]>([
    ['an allowed explicit model', 'openai/gpt-4.1', { allowedModels: ['openai/*'] }, {}, ['openai/gpt-4.1']],
    ['an allowed exact pattern', 'chatgpt/gpt-5.5', { allowedModels: ['chatgpt/gpt-5.5'] }, {}, ['chatgpt/gpt-5.5']],
    // gpt-5.5 is in both catalogues: the subscription is preferred, but only the allowed provider may answer.
    ['a bare id on the allowed provider', 'gpt-5.5', { allowedModels: ['openai/*'] }, {}, ['openai/gpt-5.5']],
    [
      'no model: the first allowed pattern',
      null,
      { allowedModels: ['gemini/*', 'openai/*'] },
      {},
      ['gemini/gemini-3.5-flash'],
    ],
    ['no model: an exact first pattern', null, { allowedModels: ['openai/gpt-4.1'] }, {}, ['openai/gpt-4.1']],
    [
      'no model: a default the policy forbids is passed over',
      null,
      { allowedModels: ['openai/*'] },
      { defaultModel: 'chatgpt/gpt-5.5' },
      ['openai/gpt-4.1'],
    ],
    [
      'no model: an allowed default is kept',
      null,
      { allowedModels: ['openai/*'] },
      { defaultModel: 'openai/gpt-5.5' },
      ['openai/gpt-5.5'],
    ],
    [
      'fallbacks only to allowed providers',
      'chatgpt/gpt-5.5',
      { allowedModels: ['chatgpt/*', 'gemini/*'] },
      { settings: withFallback },
      ['chatgpt/gpt-5.5', 'gemini/gemini-3.5-flash (fallback)'],
    ],
    [
      'fallbacks only to allowed models',
      'chatgpt/gpt-5.5',
      { allowedModels: ['chatgpt/*', 'openai/gpt-4.1'] },
      { settings: withFallback },
      ['chatgpt/gpt-5.5', 'openai/gpt-4.1 (fallback)'],
    ],
    [
      'a configured fallback model outside the policy is skipped',
      'chatgpt/gpt-5.5',
      { allowedModels: ['chatgpt/*', 'gemini/*'] },
      { settings: { fallbackToApiKeys: true, fallbackModel: 'openai/gpt-4.1' } },
      ['chatgpt/gpt-5.5'],
    ],
    [
      'subscription only: no fallback steps, even with fallback on',
      'chatgpt/gpt-5.5',
      { subscriptionOnly: true },
      { settings: withFallback },
      ['chatgpt/gpt-5.5'],
    ],
    [
      'subscription only: a bare id resolves to the subscription',
      'gpt-5.5',
      { subscriptionOnly: true },
      { availability: everything, settings: withFallback },
      ['chatgpt/gpt-5.5'],
    ],
    [
      'subscription only: no model picks the subscription',
      null,
      { subscriptionOnly: true },
      { defaultModel: 'openai/gpt-4.1' },
      ['chatgpt/gpt-5.5'],
    ],
    [
      'unrestricted keeps the user fallback',
      'chatgpt/gpt-5.5',
      {},
      { settings: withFallback },
      ['chatgpt/gpt-5.5', 'openai/gpt-5.5 (fallback)', 'gemini/gemini-3.5-flash (fallback)'],
    ],
  ])('issue 18: %s', (_label, model, changes, options, expected) => {
    expect(steps(plan(model, { policy: policy(changes), ...options }))).toEqual(expected);
  });

  it.each<[string, string | null, Partial<CallerPolicy>, Partial<Parameters<typeof plan>[1]>, string, RegExp]>([
    [
      'a model outside allowedModels',
      'openai/gpt-4.1',
      { allowedModels: ['chatgpt/*', 'gemini/gemini-3.5-flash'] },
      {},
      'model_not_allowed',
      /may use only chatgpt\/\*, gemini\/gemini-3\.5-flash/,
    ],
    [
      'a bare id only on a forbidden provider',
      'gpt-4.1',
      { allowedModels: ['chatgpt/*'] },
      {},
      'model_not_allowed',
      /may not use "gpt-4\.1"/,
    ],
    [
      'an explicit API-key model when subscription only',
      'openai/gpt-4.1',
      { subscriptionOnly: true },
      {},
      'subscription_only',
      /paid openai API key.*"subscription only"/,
    ],
    [
      'a bare id only API keys have, when subscription only',
      'gpt-4.1',
      { subscriptionOnly: true },
      {},
      'subscription_only',
      /subscription only/,
    ],
    [
      'Gemini over a Google account when subscription only',
      'gemini/gemini-3.5-flash',
      { subscriptionOnly: true },
      { availability: { ...everything, gemini: { kind: 'oauth' } } },
      'subscription_only',
      /paid gemini/,
    ],
    [
      'subscription only without a subscription',
      null,
      { subscriptionOnly: true },
      { availability: { ...everything, chatgpt: null } },
      'no_provider',
      /connect your ChatGPT subscription/,
    ],
    [
      'allowed models none of which is connected',
      null,
      { allowedModels: ['gemini/*'] },
      { availability: { ...everything, gemini: null } },
      'no_provider',
      /\(gemini\/\*\) is available/,
    ],
  ])('issue 18: refuses %s', (_label, model, changes, options, code, message) => {
    const refused = refusal(() => plan(model, { policy: policy(changes), ...options }));
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
  });
});

describe('issue 19: quota-aware routing (modes, thresholds, fallback and policy together)', () => {
  const subscriptionOnly: CallerPolicy = { allowedModels: null, subscriptionOnly: true, allowedOrigins: [] };
  const onlyChatgpt: CallerPolicy = { allowedModels: ['chatgpt/*'], subscriptionOnly: false, allowedOrigins: [] };
  const withFallback = { fallbackToApiKeys: true, fallbackModel: null, fallbackProviders: ['openai' as const] };
  const at = (fiveHour: number | null, weekly: number | null = 10) => ({
    fiveHourUsedPercent: fiveHour,
    weeklyUsedPercent: weekly,
  });
  const toCheaper: RoutingRules = {
    mode: 'default',
    thresholds: [{ window: '5h', abovePercent: 90, useModel: 'chatgpt/gpt-5.4-mini' }],
  };
  const toPaid: RoutingRules = {
    mode: 'default',
    thresholds: [{ window: '5h', abovePercent: 90, useModel: 'openai/gpt-4.1' }],
  };
  const weeklyToPaid: RoutingRules = {
    mode: 'default',
    thresholds: [{ window: 'weekly', abovePercent: 50, useModel: 'openai/gpt-4.1' }],
  };
  const mode = (name: RoutingRules['mode'], thresholds: RoutingRules['thresholds'] = []): RoutingRules => ({
    mode: name,
    thresholds,
  });
  type Case = {
    name: string;
    requested: string | null;
    options: Partial<Parameters<typeof resolveRoutePlan>[0]>;
    expected: string[] | { code: string };
    /** A pattern the first step's note must match; null: no note (no rule involved). */
    note?: RegExp | null;
  };
  const cases: Case[] = [
    {
      name: 'subscription-only key at 95 % with a rule to a cheaper subscription model → that model',
      requested: 'chatgpt/gpt-5.5',
      options: { policy: subscriptionOnly, quota: at(95), rules: [toCheaper] },
      expected: ['chatgpt/gpt-5.4-mini'],
      note: /5-hour window is 95 % used \(above 90 %\): chatgpt\/gpt-5\.5 → chatgpt\/gpt-5\.4-mini/,
    },
    {
      name: 'subscription-only key at 95 % with a rule to a paid key model → ignored, with the reason',
      requested: 'chatgpt/gpt-5.5',
      options: { policy: subscriptionOnly, quota: at(95), rules: [toPaid], settings: withFallback },
      expected: ['chatgpt/gpt-5.5'],
      note: /ignored: openai\/gpt-4\.1: it would use a paid API key and this caller is "subscription only"/,
    },
    {
      name: 'a "subscription-only" mode rule does the same as the policy switch',
      requested: 'chatgpt/gpt-5.5',
      options: { quota: at(95), rules: [mode('subscription-only'), toPaid], settings: withFallback },
      expected: ['chatgpt/gpt-5.5'],
      note: /ignored/,
    },
    {
      name: 'at 95 % a rule to a paid model moves an unrestricted request there (fallbacks only follow the subscription)',
      requested: 'gpt-5.5',
      options: { quota: at(95), rules: [toPaid], settings: withFallback },
      expected: ['openai/gpt-4.1'],
      note: /95 % used \(above 90 %\): chatgpt\/gpt-5\.5 → openai\/gpt-4\.1/,
    },
    {
      name: 'at 90 % exactly (not above) the rule does not fire; the fallback follows as the user set it',
      requested: 'gpt-5.5',
      options: { quota: at(90), rules: [toCheaper], settings: withFallback },
      expected: ['chatgpt/gpt-5.5', 'openai/gpt-5.5'],
      note: null,
    },
    {
      name: 'unknown quota: no rule fires',
      requested: 'gpt-5.5',
      options: { quota: null, rules: [toCheaper] },
      expected: ['chatgpt/gpt-5.5'],
      note: null,
    },
    {
      name: 'the weekly window is watched on its own',
      requested: null,
      options: { quota: at(10, 60), rules: [toCheaper, weeklyToPaid] },
      expected: ['openai/gpt-4.1'],
    },
    {
      name: 'a threshold to a cheaper subscription model keeps the fallback after it',
      requested: 'gpt-5.5',
      options: { quota: at(99), rules: [toCheaper], settings: withFallback },
      expected: ['chatgpt/gpt-5.4-mini', 'openai/gpt-4.1'],
    },
    {
      name: '"prefer subscription" falls back to keys though the user turned the fallback off',
      requested: 'gpt-5.5',
      options: { rules: [mode('prefer-subscription')] },
      expected: ['chatgpt/gpt-5.5', 'openai/gpt-5.5', 'gemini/gemini-3.5-flash'],
      note: null,
    },
    {
      name: '"prefer subscription" under a subscription-only policy: no fallback (narrowing wins)',
      requested: 'gpt-5.5',
      options: { policy: subscriptionOnly, rules: [mode('prefer-subscription')] },
      expected: ['chatgpt/gpt-5.5'],
    },
    {
      name: 'a request a key already routes to a paid model is not touched by thresholds',
      requested: 'openai/gpt-4.1',
      options: { quota: at(99), rules: [toCheaper] },
      expected: ['openai/gpt-4.1'],
      note: null,
    },
    {
      name: "the caller's rules come before the feature's: the first firing threshold wins",
      requested: 'gpt-5.5',
      options: { quota: at(99), rules: [toCheaper, toPaid] },
      expected: ['chatgpt/gpt-5.4-mini'],
    },
    {
      name: 'a target outside the allowed models is skipped for the next rule that is allowed',
      requested: 'gpt-5.5',
      options: { policy: onlyChatgpt, quota: at(99), rules: [toPaid, toCheaper] },
      expected: ['chatgpt/gpt-5.4-mini'],
      note: /ignored: openai\/gpt-4\.1: the caller's allowed models do not include it;.*→ chatgpt\/gpt-5\.4-mini/,
    },
    {
      name: 'a target whose provider is not connected is skipped',
      requested: 'gpt-5.5',
      options: { availability: { ...everything, openai: null }, quota: at(99), rules: [toPaid] },
      expected: ['chatgpt/gpt-5.5'],
      note: /openai is not connected/,
    },
    {
      name: "a subscription-only mode rule still refuses an explicit paid model with the policy's 403",
      requested: 'openai/gpt-4.1',
      options: { rules: [mode('subscription-only')] },
      expected: { code: 'subscription_only' },
    },
  ];

  it.each(cases)('issue 19: $name', ({ requested, options, expected, note }) => {
    if (!Array.isArray(expected)) {
      expect(() => plan(requested, options)).toThrow(expect.objectContaining({ code: expected.code }));
      return;
    }
    const steps = plan(requested, options);
    expect(steps.map((step) => `${step.provider}/${step.upstreamModel}`)).toEqual(expected);
    expect(steps.slice(1).every((step) => step.isFallback)).toBe(true);
    if (note === null) expect(steps[0]?.note).toBeUndefined();
    else if (note != null) expect(steps[0]?.note).toMatch(note);
  });
});

describe('issue 20: the Anthropic API key in the route plan', () => {
  const withAnthropic: ProviderAvailability = { ...everything, anthropic: { kind: 'api-key' } };
  const claude = [...catalogue, entry('anthropic', 'claude-sonnet-4-5')];
  const planClaude = (model: string | null, options: Partial<Parameters<typeof plan>[1]> = {}) =>
    plan(model, { catalogue: claude, availability: withAnthropic, ...options });

  it('issue 20: routes anthropic/… ids and bare Claude ids to the key', () => {
    expect(steps(planClaude('anthropic/claude-opus-4-1'))).toEqual(['anthropic/claude-opus-4-1']);
    expect(steps(planClaude('claude-sonnet-4-5'))).toEqual(['anthropic/claude-sonnet-4-5']);
  });

  it('issue 20: is a paid fallback after the other keys, and only when the user allows it', () => {
    expect(steps(planClaude('chatgpt/gpt-5.5', { settings: withFallback }))).toEqual([
      'chatgpt/gpt-5.5',
      'openai/gpt-5.5 (fallback)',
      'gemini/gemini-3.5-flash (fallback)',
      'anthropic/claude-sonnet-4-5 (fallback)',
    ]);
    const onlyAnthropic = { ...withFallback, fallbackProviders: ['anthropic' as const] };
    expect(steps(planClaude('chatgpt/gpt-5.5', { settings: onlyAnthropic }))).toEqual([
      'chatgpt/gpt-5.5',
      'anthropic/claude-sonnet-4-5 (fallback)',
    ]);
    expect(steps(planClaude('chatgpt/gpt-5.5', { settings: noFallback }))).toEqual(['chatgpt/gpt-5.5']);
  });

  it('issue 20: a subscription-only caller never reaches it', () => {
    const subscriptionOnly = policy({ subscriptionOnly: true });
    expect(steps(planClaude('chatgpt/gpt-5.5', { policy: subscriptionOnly, settings: withFallback }))).toEqual([
      'chatgpt/gpt-5.5',
    ]);
    const explicit = refusal(() => planClaude('anthropic/claude-sonnet-4-5', { policy: subscriptionOnly }));
    expect(explicit.code).toBe('subscription_only');
    expect(explicit.message).toMatch(/paid anthropic/);
    expect(refusal(() => planClaude('claude-sonnet-4-5', { policy: subscriptionOnly })).code).toBe('subscription_only');
  });
});
