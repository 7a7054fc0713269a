import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ProviderKeyCard } from './provider-key-card.tsx';

// Rendered to markup in Node (no DOM library in this workspace): what the Anthropic key card shows.
const render = (saved: Parameters<typeof ProviderKeyCard>[0]['saved']) =>
  renderToStaticMarkup(
    <QueryClientProvider client={new QueryClient()}>
      <ProviderKeyCard provider="anthropic" saved={saved} />
    </QueryClientProvider>,
  );

describe('issue 20: the Anthropic API key card', () => {
  it('issue 20: says what the key is for and that none is set', () => {
    const html = render(null);
    expect(html).toContain('id="anthropic-key-title"');
    expect(html).toContain('Anthropic API key');
    expect(html).toContain('Claude models (anthropic/…)');
    expect(html).toContain('Not set');
  });

  it('issue 20: shows a saved key only by its last four characters, without a base URL', () => {
    const html = render({
      provider: 'anthropic',
      baseUrl: null,
      keyHint: '0001',
      createdAt: '2026-12-06T10:00:00.000Z',
      lastValidatedAt: '2026-12-06T10:00:00.000Z',
    });
    expect(html).toContain('Saved');
    expect(html).toContain('<code>••••0001</code>');
    expect(html).not.toContain('Base URL');
  });
});
