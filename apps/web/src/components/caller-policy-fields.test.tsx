import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { toCallerPolicyDraft } from '../lib/caller-policy-draft.ts';
import { CallerPolicyFields } from './caller-policy-fields.tsx';

// Rendered to markup in Node (no DOM library in this workspace): what the editor shows for a given draft.
const models = [
  {
    id: 'chatgpt/gpt-5.5',
    provider: 'chatgpt' as const,
    upstreamId: 'gpt-5.5',
    displayName: 'GPT-5.5',
    reasoningEfforts: [],
  },
  {
    id: 'openai/gpt-4.1',
    provider: 'openai' as const,
    upstreamId: 'gpt-4.1',
    displayName: 'GPT-4.1',
    reasoningEfforts: [],
  },
];
const render = (policy: Parameters<typeof toCallerPolicyDraft>[0], errors = {}) =>
  renderToStaticMarkup(
    <CallerPolicyFields
      value={toCallerPolicyDraft(policy)}
      onChange={() => undefined}
      models={models}
      errors={errors}
    />,
  );

describe('issue 18: CallerPolicyFields', () => {
  it('issue 18: an unrestricted policy: every model chosen, nothing ticked, no model list', () => {
    const html = render({ allowedModels: null, subscriptionOnly: false, allowedOrigins: [] });
    expect(html).toContain('Subscription only — never spend money');
    expect(html).toMatch(/<input type="radio"[^>]*checked=""[^>]*\/><span>Every model I have/);
    expect(html).not.toContain('chatgpt/gpt-5.5');
    expect(html).not.toMatch(/type="checkbox"[^>]*checked/);
  });

  it('issue 18: a limited policy lists the user providers and models to pick from, the saved ones ticked', () => {
    const html = render({
      allowedModels: ['openai/*'],
      subscriptionOnly: true,
      allowedOrigins: ['https://notes.example.com'],
    });
    expect(html).toMatch(/<input type="checkbox" checked=""\/><span>Subscription only/);
    for (const pattern of ['chatgpt/*', 'openai/*', 'chatgpt/gpt-5.5', 'openai/gpt-4.1']) {
      expect(html).toContain(`<code>${pattern}</code>`);
    }
    expect(html).toMatch(/checked=""\/><span>Every openai model \(<code>openai\/\*<\/code>\)/);
    expect(html).toContain('>https://notes.example.com</textarea>');
  });

  it('issue 18: errors are shown under their field', () => {
    const html = render(
      { allowedModels: [], subscriptionOnly: false, allowedOrigins: [] },
      { allowedModels: 'must include at least one model', allowedOrigins: 'must be an origin' },
    );
    expect(html).toContain('Models must include at least one model');
    expect(html).toContain('Allowed web pages must be an origin');
    expect(html).toContain('aria-invalid="true"');
  });
});
