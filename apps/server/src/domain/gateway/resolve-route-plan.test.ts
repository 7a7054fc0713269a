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
    expect(plan(null, { availability: { chatgpt: null, openai: null, gemini: { kind: 'api-key' } } })[0]).toMatchObject(
      {
        provider: 'gemini',
      },
    );
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
    expect(plan(null, { availability: { chatgpt: null, openai: null, gemini: { kind: 'oauth' } } })[0]).toMatchObject({
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
    expect(() => plan(null, { availability: { chatgpt: null, openai: null, gemini: null } })).toThrow(
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
