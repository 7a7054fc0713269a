import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error.ts';
import { getUsageSummary, listUsageRequests, usageRequestsCsvHref } from './usage.ts';
import { getUsageQuota } from './usage-quota.ts';

// The usage API as the page calls it, over a mocked fetch: the query it sends and the contract it accepts.
const totals = {
  requests: 2,
  errors: 1,
  inputTokens: 10,
  cachedInputTokens: 0,
  outputTokens: 5,
  reasoningTokens: 0,
  apiPriceUsd: 0.01,
  savedUsd: 0.01,
  spentUsd: 0,
};

function mockFetch(body: unknown, status = 200) {
  const urls: string[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    urls.push(String(input));
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return urls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const filters = {
  from: '2026-12-01T00:00:00.000Z',
  to: '2026-12-06T00:00:00.000Z',
  caller: 'key:k_1',
  status: 'error' as const,
  model: '',
  limit: 25,
};

describe('usage API client', () => {
  it('issue 19: asks /api/usage for the period, grouping and time zone, and parses the summary', async () => {
    const urls = mockFetch({
      from: filters.from,
      to: filters.to,
      groupBy: 'day',
      totals,
      groups: [{ key: '2026-12-02', label: '2026-12-02', ...totals }],
    });
    const summary = await getUsageSummary({ from: filters.from, to: filters.to, groupBy: 'day', tz: 'Europe/Paris' });
    expect(summary.groups[0]?.key).toBe('2026-12-02');
    const url = new URL(urls[0] ?? '', 'http://gateway.test');
    expect(url.pathname).toBe('/api/usage');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      from: filters.from,
      to: filters.to,
      groupBy: 'day',
      tz: 'Europe/Paris',
    });
  });

  it('issue 19: pages the request log with the filters and the cursor; the CSV link has the same filters', async () => {
    const urls = mockFetch({ requests: [], nextCursor: null });
    await listUsageRequests(filters, 'next-page');
    const url = new URL(urls[0] ?? '', 'http://gateway.test');
    expect(url.pathname).toBe('/api/usage/requests');
    expect(url.searchParams.get('keyId')).toBe('k_1');
    expect(url.searchParams.get('status')).toBe('error');
    expect(url.searchParams.get('cursor')).toBe('next-page');
    const csv = new URL(usageRequestsCsvHref(filters), 'http://gateway.test');
    expect(csv.pathname).toBe('/api/usage/requests');
    expect(csv.searchParams.get('keyId')).toBe('k_1');
    expect(csv.searchParams.get('format')).toBe('csv');
  });

  it('issue 19: an answer outside the contract is refused, not drawn', async () => {
    const empty = { windows: [], fetchedAt: null, source: null, planType: null, history: [] };
    mockFetch({ ...empty, windows: [{ window: 'primary' }] });
    await expect(getUsageQuota()).rejects.toBeInstanceOf(ApiError);
    mockFetch(empty);
    await expect(getUsageQuota()).resolves.toEqual(empty);
  });
});
