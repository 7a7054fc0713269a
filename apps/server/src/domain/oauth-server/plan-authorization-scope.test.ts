import { describe, expect, it } from 'vitest';
import { planAuthorizationScope } from './plan-authorization-scope.ts';

const resources = { mcp: 'https://gw.example/mcp', ai: 'https://gw.example' };

describe('planAuthorizationScope', () => {
  it('issue 18: without resource, each requested scope brings its resource; nothing known stays mcp:tools', () => {
    expect(planAuthorizationScope(resources, { scope: 'ai', resource: undefined })).toEqual({
      scope: 'ai',
      resources: ['https://gw.example'],
    });
    expect(planAuthorizationScope(resources, { scope: 'claudeai', resource: undefined })).toEqual({
      scope: 'mcp:tools',
      resources: ['https://gw.example/mcp'],
    });
    expect(planAuthorizationScope(resources, { scope: 'ai mcp:tools', resource: undefined })).toEqual({
      scope: 'mcp:tools ai',
      resources: ['https://gw.example/mcp', 'https://gw.example'],
    });
  });

  it('issue 18: with resource, only the named resources’ scopes are granted', () => {
    expect(planAuthorizationScope(resources, { scope: 'mcp:tools ai', resource: 'https://gw.example/mcp' })).toEqual({
      scope: 'mcp:tools',
      resources: ['https://gw.example/mcp'],
    });
    expect(planAuthorizationScope(resources, { scope: 'mcp:tools', resource: ['https://gw.example/'] })).toEqual({
      scope: 'ai',
      resources: ['https://gw.example/'],
    });
    // An unknown resource is left for oidc-provider to refuse (invalid_target).
    expect(planAuthorizationScope(resources, { scope: 'ai', resource: 'https://evil.example' })).toEqual({
      scope: 'mcp:tools',
      resources: ['https://evil.example'],
    });
  });
});
