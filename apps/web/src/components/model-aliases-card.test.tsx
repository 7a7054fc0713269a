import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../api/query-keys.ts';
import { ModelAliasesCard } from './model-aliases-card.tsx';

// Rendered to markup in Node (no DOM library in this workspace), with the aliases already in the query cache.
const models = [
  {
    id: 'chatgpt/gpt-5.5',
    provider: 'chatgpt' as const,
    upstreamId: 'gpt-5.5',
    displayName: 'GPT-5.5',
    reasoningEfforts: [],
  },
  {
    id: 'chatgpt/gpt-5.4-mini',
    provider: 'chatgpt' as const,
    upstreamId: 'gpt-5.4-mini',
    displayName: 'GPT-5.4 mini',
    reasoningEfforts: [],
  },
];

function render(aliases: { pattern: string; target: string }[]): string {
  const client = new QueryClient();
  client.setQueryData(queryKeys.modelAliases, aliases);
  return renderToStaticMarkup(
    <QueryClientProvider client={client}>
      <ModelAliasesCard models={models} />
    </QueryClientProvider>,
  );
}

describe('issue 20: ModelAliasesCard', () => {
  it('issue 20: shows each saved alias with its pattern and the model chosen', () => {
    const html = render([
      { pattern: 'claude-sonnet-*', target: 'chatgpt/gpt-5.5' },
      { pattern: 'claude-haiku-*', target: 'chatgpt/gpt-5.4-mini' },
    ]);
    expect(html).toContain('Model aliases');
    expect(html).toContain('value="claude-sonnet-*"');
    expect(html).toContain('value="claude-haiku-*"');
    expect(html).toMatch(/<option value="chatgpt\/gpt-5.4-mini" selected="">/);
    expect(html.match(/>Remove</g)).toHaveLength(2);
    // Nothing changed yet: nothing to save.
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""/);
  });

  it('issue 20: with no aliases, offers only to add one', () => {
    const html = render([]);
    expect(html).not.toContain('Remove');
    expect(html).toContain('Add an alias');
  });
});
