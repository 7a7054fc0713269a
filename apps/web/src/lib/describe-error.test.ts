import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error.ts';
import { describeError } from './describe-error.ts';

const now = new Date(2026, 11, 6, 10, 0).getTime();
/** What issue 17 found on the pages: hosts and ports, error codes, ISO timestamps, JWT words. */
const JARGON =
  /ENOTFOUND|ECONN|getaddrinfo|fetch failed|other side closed|\b\d{1,3}(\.\d{1,3}){3}\b|[a-z]\.[a-z]{2,}:\d+|localhost:\d+|\d{4}-\d\d-\d\dT|JWT/;

describe('describeError', () => {
  it.each([
    ['upstream_unavailable', 'Could not reach 127.0.0.1:36921: other side closed'],
    ['upstream_unavailable', 'fetch failed (getaddrinfo ENOTFOUND api.openai.com)'],
    ['upstream_timeout', 'api.openai.com did not start answering in time.'],
    ['upstream_error', 'The upstream answered 403: forbidden'],
    ['invalid_upstream_key', 'The key did not work with http://127.0.0.1:9/v1: Could not reach 127.0.0.1:9'],
  ] as const)('issue 17: %s becomes a plain sentence, the raw words under Details', (code, raw) => {
    const described = describeError(new ApiError({ code, status: 502, message: raw }), now);
    expect(described.message).not.toMatch(JARGON);
    expect(described.message).toMatch(/^[A-Z].*\.$/);
    expect(described.details).toBe(raw);
  });

  it('issue 17: a usage limit says when it resets in local time and as a wait', () => {
    const resetsAt = new Date(now + 2.5 * 3_600_000).toISOString();
    const described = describeError(
      new ApiError({
        code: 'usage_limit_reached',
        status: 429,
        message: 'Your ChatGPT usage limit is reached. It resets in 2 h 30 min (2026-12-06 12:30 UTC).',
        retryAfter: 9000,
        resetsAt,
      }),
      now,
    );
    expect(described.message).toMatch(/^Your ChatGPT usage limit is reached: it resets at .+ \(in 2 h 30 min\)\.$/);
    expect(described.message).not.toMatch(JARGON);
  });

  it('issue 17: a plain message the gateway split from its details is shown as it came', () => {
    const described = describeError(
      new ApiError({
        code: 'sign_in_failed',
        status: 400,
        message: 'The Google sign-in could not be completed: start it again.',
        details: 'unexpected JWT "iss" (issuer) claim value',
      }),
    );
    expect(described).toEqual({
      message: 'The Google sign-in could not be completed: start it again.',
      details: 'unexpected JWT "iss" (issuer) claim value',
    });
  });

  it('should show a message that tells the user what to fix as it is', () => {
    const message = 'Invalid request: body.name: is required.';
    expect(describeError(new ApiError({ code: 'invalid_request', status: 400, message }))).toEqual({
      message,
      details: null,
    });
  });

  it('should not show a script error as the sentence', () => {
    expect(describeError(new TypeError('x is undefined'))).toEqual({
      message: 'Something went wrong on this page: reload it and try again.',
      details: 'x is undefined',
    });
  });
});
