import { describe, expect, it } from 'vitest';
import { buildKeySnippets } from './build-key-snippets.ts';

const secret = 'gwk_abc123_secretsecret';

describe('buildKeySnippets', () => {
  it('issue 17: offers the note API, the OpenAI SDK with the /v1 base URL, and curl, each with the key', () => {
    const snippets = buildKeySnippets({ origin: 'http://localhost:8787/', secret, model: 'openai/gpt-4.1' });
    expect(snippets.map((snippet) => snippet.label)).toEqual(['Note app', 'OpenAI SDK', 'curl']);
    for (const snippet of snippets) expect(snippet.code).toContain(secret);
    const [note, sdk, curl] = snippets;
    expect(note?.code).toContain("fetch('http://localhost:8787/api/ai/chat'");
    expect(sdk?.code).toContain("baseURL: 'http://localhost:8787/v1'");
    expect(sdk?.code).toContain("model: 'openai/gpt-4.1'");
    expect(curl?.code).toMatch(/^curl http:\/\/localhost:8787\/v1\/chat\/completions \\\n/);
  });

  it('should name a subscription model when the catalogue has not loaded', () => {
    expect(buildKeySnippets({ origin: 'http://localhost:8787', secret, model: null })[2]?.code).toContain(
      '"model": "chatgpt/gpt-5.5"',
    );
  });
});
