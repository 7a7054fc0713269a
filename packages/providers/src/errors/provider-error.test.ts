import { describe, expect, expectTypeOf, it } from 'vitest';
import { ProviderError } from './provider-error.ts';
import { UpstreamApiError } from './upstream-api-error.ts';
import { UsageLimitError } from './usage-limit-error.ts';

describe('ProviderError', () => {
  it('should be the runtime base of every class, and narrow by code after instanceof', () => {
    const errors: unknown[] = [
      new UsageLimitError({ message: 'limit', resetsAt: new Date(0), cause: undefined }),
      new UpstreamApiError({ message: 'x', url: 'http://x.invalid', statusCode: 503, cause: undefined }),
      new Error('not ours'),
    ];
    const seen = errors.map((error) => {
      if (!(error instanceof ProviderError)) return 'other';
      switch (error.code) {
        case 'usage_limit_reached':
          expectTypeOf(error).toEqualTypeOf<UsageLimitError>();
          return error.resetsAt?.toISOString();
        case 'upstream_api_error':
          return error.statusCode;
        default:
          return error.code;
      }
    });
    expect(seen).toEqual(['1970-01-01T00:00:00.000Z', 503, 'other']);
  });
});
