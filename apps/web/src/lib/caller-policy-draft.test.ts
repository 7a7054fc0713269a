import { DEFAULT_ROUTING_RULES } from '@pag/contracts';
import { describe, expect, it } from 'vitest';
import {
  describeCallerPolicy,
  fromCallerPolicyDraft,
  modelPatternChoices,
  toCallerPolicyDraft,
} from './caller-policy-draft.ts';

const unrestricted = { allowedModels: null, subscriptionOnly: false, allowedOrigins: [] };
const model = (provider: 'chatgpt' | 'openai', upstreamId: string) => ({
  id: `${provider}/${upstreamId}`,
  provider,
  upstreamId,
  displayName: upstreamId,
  reasoningEfforts: [],
});

describe('issue 18: the caller policy draft', () => {
  it('issue 18: a saved policy comes back unchanged through the draft', () => {
    const policy = {
      allowedModels: ['chatgpt/*', 'openai/gpt-4.1'],
      subscriptionOnly: true,
      allowedOrigins: ['https://notes.example.com', 'http://localhost:5173'],
      routing: DEFAULT_ROUTING_RULES,
    };
    expect(fromCallerPolicyDraft(toCallerPolicyDraft(policy))).toEqual({ policy, errors: null });
    // Issue 19: a policy saved before routing rules existed reads as "no rule", and is saved so (explicitly, so that
    // removing the last rule in the editor really removes it).
    expect(fromCallerPolicyDraft(toCallerPolicyDraft(unrestricted))).toEqual({
      policy: { ...unrestricted, routing: DEFAULT_ROUTING_RULES },
      errors: null,
    });
  });

  it('issue 19: routing rules come back unchanged, and a bad threshold is named', () => {
    const rule = { window: '5h' as const, abovePercent: 90, useModel: 'chatgpt/gpt-5.4-mini' };
    const routing = { mode: 'subscription-only' as const, thresholds: [rule] };
    const policy = { ...unrestricted, routing };
    expect(fromCallerPolicyDraft(toCallerPolicyDraft(policy))).toEqual({ policy, errors: null });
    const bad = {
      ...toCallerPolicyDraft(policy),
      routing: { ...routing, thresholds: [{ ...rule, abovePercent: 120 }] },
    };
    expect(fromCallerPolicyDraft(bad).errors?.routing).toMatch(/^thresholds\.0\.abovePercent /);
  });

  it('issue 18: pasted origins are forgiven a trailing slash, commas and repeats', () => {
    const draft = { ...toCallerPolicyDraft(unrestricted), originsText: 'https://a.example/, https://a.example\n\n' };
    expect(fromCallerPolicyDraft(draft).policy?.allowedOrigins).toEqual(['https://a.example']);
  });

  it('issue 18: an origin with a path is refused, naming it', () => {
    const draft = { ...toCallerPolicyDraft(unrestricted), originsText: 'https://a.example/notes' };
    const result = fromCallerPolicyDraft(draft);
    expect(result.policy).toBeNull();
    expect(result.errors?.allowedOrigins).toMatch(/must be an origin.*not "https:\/\/a\.example\/notes"/);
  });

  it('issue 18: limiting models to none is refused', () => {
    const draft = { ...toCallerPolicyDraft(unrestricted), limitModels: true };
    expect(fromCallerPolicyDraft(draft).errors?.allowedModels).toMatch(/at least one/);
  });

  it('issue 18: the choices are every provider, then each model, then patterns no longer listed', () => {
    const models = [model('chatgpt', 'gpt-5.5'), model('openai', 'gpt-4.1')];
    expect(modelPatternChoices(models, ['gemini/*'])).toEqual([
      'chatgpt/*',
      'openai/*',
      'chatgpt/gpt-5.5',
      'openai/gpt-4.1',
      'gemini/*',
    ]);
  });

  it('issue 18: the list says what a key may use in words', () => {
    expect(describeCallerPolicy(unrestricted)).toEqual(['Every model', 'No web pages']);
    expect(
      describeCallerPolicy({
        allowedModels: ['chatgpt/*'],
        subscriptionOnly: true,
        allowedOrigins: ['https://n.example'],
      }),
    ).toEqual(['Only chatgpt/*', 'Subscription only', 'Web pages: https://n.example']);
  });

  it('issue 19: the key list names routing rules in a few words', () => {
    const routing = {
      mode: 'prefer-subscription' as const,
      thresholds: [{ window: '5h' as const, abovePercent: 90, useModel: 'chatgpt/gpt-5.4-mini' }],
    };
    expect(describeCallerPolicy({ ...unrestricted, routing })).toEqual([
      'Every model',
      'Prefers subscription; Above 90 % (5-hour) → chatgpt/gpt-5.4-mini',
      'No web pages',
    ]);
    expect(describeCallerPolicy({ ...unrestricted, routing: DEFAULT_ROUTING_RULES })).toEqual([
      'Every model',
      'No web pages',
    ]);
  });
});
