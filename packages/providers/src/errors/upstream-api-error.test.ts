import { describe, expect, it } from 'vitest';
import { ReconnectRequiredError } from './reconnect-required-error.ts';
import { UpstreamApiError } from './upstream-api-error.ts';

describe('UpstreamApiError', () => {
  it.each([
    [408, true],
    [409, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
  ])('should default isRetryable for %i to %s', (statusCode, isRetryable) => {
    expect(
      new UpstreamApiError({ message: 'x', url: 'http://x.invalid', statusCode, cause: undefined }).isRetryable,
    ).toBe(isRetryable);
  });

  it('should keep the cause, a name and a code, and truncate the body to 2 kB', () => {
    const cause = new Error('inner');
    const error = new UpstreamApiError({
      message: 'boom',
      url: 'http://x.invalid',
      statusCode: 502,
      responseBody: 'y'.repeat(4096),
      cause,
    });
    expect(error).toMatchObject({ name: 'UpstreamApiError', code: 'upstream_api_error', cause });
    expect(error.responseBody?.startsWith('y'.repeat(2048))).toBe(true);
    expect(error.responseBody).toMatch(/truncated 2048 chars/);
    expect(new ReconnectRequiredError({ cause })).toMatchObject({ code: 'reconnect_required', isRetryable: false });
  });
});
