import { describe, expect, it } from 'vitest';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { createRecordingFetch } from '../test/create-recording-fetch.ts';
import { createJsonResponse } from '../test/create-sse-response.ts';
import { readCodexUsage } from './read-codex-usage.ts';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const read = (fetch: typeof globalThis.fetch) =>
  readCodexUsage({
    baseUrl: 'https://chatgpt.example/backend-api/',
    fetch,
    accessToken: 'access-1',
    accountId: 'acct-abc123',
    originator: 'pag',
    now: NOW,
  });

describe('readCodexUsage', () => {
  it('issue 19: reads the two windows of /wham/usage (docs/codex-protocol.md §7.4) into the header snapshot shape', async () => {
    const { fetch, requests } = createRecordingFetch(
      createJsonResponse({
        plan_type: 'pro',
        rate_limit: {
          allowed: true,
          primary_window: { used_percent: 95, limit_window_seconds: 18_000, reset_at: 1_796_600_000 },
          secondary_window: { used_percent: 12.5, limit_window_seconds: 604_800, reset_after_seconds: 3600 },
        },
        credits: { has_credits: true, unlimited: false, balance: '10' },
        something_new: { ignored: true },
      }),
    );

    const snapshot = await read(fetch);

    expect(requests[0]?.url).toBe('https://chatgpt.example/backend-api/wham/usage');
    expect(requests[0]?.headers).toMatchObject({
      authorization: 'Bearer access-1',
      'chatgpt-account-id': 'acct-abc123',
      originator: 'pag',
    });
    expect(snapshot).toEqual({
      primary: { usedPercent: 95, windowMinutes: 300, resetsAt: new Date(1_796_600_000_000) },
      secondary: { usedPercent: 12.5, windowMinutes: 10_080, resetsAt: new Date(NOW + 3_600_000) },
      planType: 'pro',
      credits: { hasCredits: true, unlimited: false, balance: '10' },
    });
  });

  it('issue 19: a changed shape or an empty rate_limit is a protocol error, not a guess', async () => {
    await expect(read(createRecordingFetch(createJsonResponse({ usage: { five_hour: '95%' } })).fetch)).rejects.toThrow(
      UpstreamProtocolError,
    );
    await expect(read(createRecordingFetch(createJsonResponse({ rate_limit: {} })).fetch)).rejects.toThrow(
      'no usage window',
    );
    await expect(
      read(createRecordingFetch(createJsonResponse({ rate_limit: { primary_window: 'full' } })).fetch),
    ).rejects.toThrow(UpstreamProtocolError);
  });

  it('issue 19: a non-200 is the Codex error of that status', async () => {
    const { fetch } = createRecordingFetch(
      createJsonResponse({ error: { message: 'overloaded', type: 'server_error' } }, { status: 503 }),
    );
    await expect(read(fetch)).rejects.toBeInstanceOf(UpstreamApiError);
  });
});
