import { describe, expect, it } from 'vitest';
import { checkRedirectUris } from './check-redirect-uris.ts';
import { normalizeRequestedScope } from './oauth-scopes.ts';

describe('checkRedirectUris', () => {
  it('accepts the ChatGPT and Claude callbacks and loopback http', () => {
    for (const uri of [
      'https://chatgpt.com/connector/oauth/abc',
      'https://chatgpt.com/connector_platform_oauth_redirect',
      'https://claude.ai/api/mcp/auth_callback',
      'http://127.0.0.1:6276/oauth/callback',
      'http://localhost:3000/callback',
      'http://[::1]:8080/cb',
    ]) {
      expect(() => checkRedirectUris({ redirect_uris: [uri] })).not.toThrow();
    }
  });

  it('refuses http off loopback, other schemes and fragments', () => {
    for (const uri of ['http://example.com/cb', 'cursor://cb', 'https://example.com/cb#x', 'not a url']) {
      let thrown: { error?: string; error_description?: string } | undefined;
      try {
        checkRedirectUris({ redirect_uris: [uri] });
      } catch (error) {
        thrown = error as typeof thrown;
      }
      expect(thrown?.error).toBe('invalid_redirect_uri');
      expect(thrown?.error_description).toContain(uri);
    }
  });

  it('issue 16: refuses redirect_uris that is not an array of strings with invalid_redirect_uri, never a crash', () => {
    for (const value of [
      1,
      true,
      {},
      'https://app.example/cb',
      { 0: 'https://app.example/cb' },
      [1],
      [null],
      [['x']],
    ]) {
      let thrown: { error?: string; error_description?: string } | undefined;
      try {
        checkRedirectUris({ redirect_uris: value });
      } catch (error) {
        thrown = error as typeof thrown;
      }
      expect(thrown?.error, JSON.stringify(value)).toBe('invalid_redirect_uri');
      expect(thrown?.error_description).toMatch(/must be an array of URLs/);
    }
  });

  it('makes an all-loopback client native (port may vary) and leaves mixed clients web', () => {
    const loopback = { redirect_uris: ['http://127.0.0.1:3000/cb'], application_type: 'web' };
    checkRedirectUris(loopback);
    expect(loopback.application_type).toBe('native');
    const mixed = { redirect_uris: ['http://127.0.0.1:3000/cb', 'https://app.example/cb'], application_type: 'web' };
    checkRedirectUris(mixed);
    expect(mixed.application_type).toBe('web');
  });
});

describe('normalizeRequestedScope', () => {
  it('keeps known scopes, drops unknown ones and defaults an empty request', () => {
    expect(normalizeRequestedScope(undefined)).toBe('mcp:tools');
    expect(normalizeRequestedScope('')).toBe('mcp:tools');
    expect(normalizeRequestedScope('claudeai')).toBe('mcp:tools');
    expect(normalizeRequestedScope('read write openid offline_access')).toBe('mcp:tools');
    expect(normalizeRequestedScope('mcp:tools mcp:tools')).toBe('mcp:tools');
  });
});
