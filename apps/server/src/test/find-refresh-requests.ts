import type { RecordedRequest } from '@pag/testkit';

/**
 * The refresh grants a fake token endpoint received, oldest first. ChatGPT refreshes go out as JSON
 * (docs/codex-protocol.md §10), Google's as a form; both are read.
 */
export function findRefreshRequests(
  fake: { findRequests(match: { method: string; path: string }): RecordedRequest[] },
  tokenPath = '/oauth/token',
): RecordedRequest[] {
  return fake.findRequests({ method: 'POST', path: tokenPath }).filter((request) => {
    const grantType = request.form?.grant_type ?? (request.json as { grant_type?: unknown } | undefined)?.grant_type;
    return grantType === 'refresh_token';
  });
}
