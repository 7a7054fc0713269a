import { describe, expect, it } from 'vitest';
import {
  describeScope,
  isReachableFromCloud,
  isUnanswerableRequest,
  shortenClientId,
  summarizePolicy,
  toMcpUrl,
  toNavigableUrl,
} from './mcp-apps.ts';

describe('describeScope', () => {
  it('should put the MCP tools scope in words', () => {
    expect(describeScope('mcp:tools')).toMatch(/^Use your gateway’s tools/);
  });

  it('should show an unknown scope as its name', () => {
    expect(describeScope('read write')).toBe('read write');
  });

  it('issue 18: should put the ai scope of connected apps in words', () => {
    expect(describeScope('ai')).toMatch(/^Use your AI models/);
  });
});

describe('summarizePolicy', () => {
  it('issue 18: should say what a default app policy and a restricted one allow', () => {
    expect(
      summarizePolicy({ allowedModels: null, subscriptionOnly: false, allowedOrigins: ['https://notes.example'] }),
    ).toEqual(['Every model', 'May fall back to API keys', 'From https://notes.example']);
    expect(summarizePolicy({ allowedModels: ['chatgpt/*'], subscriptionOnly: true, allowedOrigins: [] })).toEqual([
      'Only chatgpt/*',
      'Subscription only (never a paid API key)',
      'No browser origin',
    ]);
  });
});

describe('toMcpUrl', () => {
  it('should append /mcp to the origin', () => {
    expect(toMcpUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787/mcp');
    expect(toMcpUrl('https://gateway.example/')).toBe('https://gateway.example/mcp');
  });
});

describe('shortenClientId', () => {
  it('should keep the first characters of a long id', () => {
    expect(shortenClientId('f3b0c4a2-1111-2222-3333-444455556666')).toBe('f3b0c4a2…');
  });

  it('should leave a short id as it is', () => {
    expect(shortenClientId('cli-app')).toBe('cli-app');
    expect(shortenClientId('0123456789')).toBe('0123456789');
  });
});

describe('isUnanswerableRequest', () => {
  it('should treat an expired, unknown or malformed request as one to start again', () => {
    expect(isUnanswerableRequest('flow_expired')).toBe(true);
    expect(isUnanswerableRequest('not_found')).toBe(true);
    expect(isUnanswerableRequest('invalid_request')).toBe(true);
  });

  it('should leave other failures to a retry', () => {
    expect(isUnanswerableRequest('network_error')).toBe(false);
    expect(isUnanswerableRequest('unauthenticated')).toBe(false);
    expect(isUnanswerableRequest('rate_limited')).toBe(false);
  });
});

describe('toNavigableUrl', () => {
  const base = 'http://127.0.0.1:8787/oauth/interaction/abc';

  it('should resolve the resume path against the page', () => {
    expect(toNavigableUrl('/oauth/auth/abc', base)).toBe('http://127.0.0.1:8787/oauth/auth/abc');
    expect(toNavigableUrl('https://gateway.example/oauth/auth/abc', base)).toBe(
      'https://gateway.example/oauth/auth/abc',
    );
  });

  it('should refuse anything but http(s)', () => {
    expect(toNavigableUrl('javascript:alert(1)', base)).toBeNull();
    expect(toNavigableUrl('data:text/html,hi', base)).toBeNull();
  });
});

describe('isReachableFromCloud', () => {
  it.each([
    ['http://localhost:8787/mcp', false],
    ['http://127.0.0.1:8787/mcp', false],
    ['https://localhost/mcp', false],
    ['https://192.168.1.20/mcp', false],
    ['https://gateway.local/mcp', false],
    ['http://gateway.example.com/mcp', false],
    ['https://gateway.example.com/mcp', true],
  ])('issue 17: %s reachable by ChatGPT and Claude: %s', (url, expected) => {
    expect(isReachableFromCloud(url)).toBe(expected);
  });
});
