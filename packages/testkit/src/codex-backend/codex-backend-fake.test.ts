import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { findFreeLoopbackPort } from '../find-free-loopback-port.ts';
import { readSseBody } from '../read-sse-body.ts';
import { fetchWithTimeout } from '../test-fetch.ts';
import { startFakeCodexBackend } from './codex-backend-fake.ts';
import { codexRequestBody, getWithAuth, postResponses, startCodexTestRig } from './codex-backend-test-support.ts';

afterEach(closeAllFakeServers);

const RATE_LIMIT_HEADER_NAMES = [
  'x-codex-primary-used-percent',
  'x-codex-primary-window-minutes',
  'x-codex-primary-reset-after-seconds',
  'x-codex-primary-reset-at',
  'x-codex-secondary-used-percent',
  'x-codex-secondary-window-minutes',
  'x-codex-secondary-reset-after-seconds',
  'x-codex-secondary-reset-at',
  'x-codex-primary-over-secondary-limit-percent',
  'x-codex-active-limit',
  'x-codex-plan-type',
  'x-codex-credits-has-credits',
  'x-codex-credits-unlimited',
  'x-codex-credits-balance',
];

function codexHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('x-codex-')));
}

/** A clock pinned to 2026-01-01T00:00:00Z so reset times are exact. */
const NOW = Date.UTC(2026, 0, 1);
const NOW_SECONDS = NOW / 1000;

describe('codexBackendFake', () => {
  it('should answer 200 with SSE, x-request-id and the full x-codex-* header set', async () => {
    const rig = await startCodexTestRig({ now: () => NOW });

    const response = await postResponses({ rig, body: codexRequestBody() });
    await response.arrayBuffer();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{48}$/);
    expect(response.headers.get('x-models-etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(codexHeaders(response)).toEqual({
      'x-codex-primary-used-percent': '12',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-after-seconds': '13873',
      'x-codex-primary-reset-at': String(NOW_SECONDS + 13_873),
      'x-codex-secondary-used-percent': '34',
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-secondary-reset-after-seconds': '316705',
      'x-codex-secondary-reset-at': String(NOW_SECONDS + 316_705),
      'x-codex-primary-over-secondary-limit-percent': '0',
      'x-codex-active-limit': 'codex',
      'x-codex-plan-type': 'plus',
      'x-codex-credits-has-credits': 'False',
      'x-codex-credits-unlimited': 'False',
      'x-codex-credits-balance': '0',
    });
  });

  it('should send configured rate limits, capitalised bools and the promo message', async () => {
    const rig = await startCodexTestRig({ rateLimits: { primaryUsedPercent: 87.5, creditsUnlimited: true } });
    rig.backend.setRateLimits({ promoMessage: 'Try Pro', creditsBalance: '12.50', planType: 'pro' });

    const response = await postResponses({ rig, body: codexRequestBody() });
    await response.arrayBuffer();

    expect(codexHeaders(response)).toMatchObject({
      'x-codex-primary-used-percent': '87.5',
      'x-codex-credits-unlimited': 'True',
      'x-codex-credits-balance': '12.50',
      'x-codex-plan-type': 'pro',
      'x-codex-promo-message': 'Try Pro',
    });
    expect(() => rig.backend.setRateLimits({ primaryUsedPercent: '5' as unknown as number })).toThrow(
      '"rateLimits.primaryUsedPercent" must be a number',
    );
    expect(() => rig.backend.setRateLimits({ bogus: 1 } as never)).toThrow('"rateLimits.bogus" is not a known field');
  });

  it('should answer 429 usage_limit_reached with the real body shape and matching headers', async () => {
    const rig = await startCodexTestRig({ now: () => NOW });
    rig.backend.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 3600 });

    const response = await postResponses({ rig, body: codexRequestBody() });

    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: {
        type: 'usage_limit_reached',
        message: 'The usage limit has been reached',
        plan_type: 'plus',
        resets_at: NOW_SECONDS + 3600,
        eligible_promo: null,
        resets_in_seconds: 3600,
      },
    });
    expect(Object.keys(codexHeaders(response)).sort()).toEqual([...RATE_LIMIT_HEADER_NAMES].sort());
    expect(codexHeaders(response)).toMatchObject({
      'x-codex-primary-used-percent': '100',
      'x-codex-primary-reset-after-seconds': '3600',
      'x-codex-primary-reset-at': String(NOW_SECONDS + 3600),
    });
  });

  it.each([
    [
      'rate-limit',
      429,
      {
        error: {
          message: 'Rate limit reached for requests. Please try again in 1s.',
          type: 'rate_limit_exceeded',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    ],
    [
      'overloaded',
      503,
      {
        error: {
          message: 'Our servers are currently overloaded. Please try again later.',
          type: 'service_unavailable_error',
          param: null,
          code: 'server_is_overloaded',
        },
      },
    ],
    [
      'server-error',
      500,
      {
        error: {
          message: 'An error occurred while processing your request. Please try again.',
          type: 'server_error',
          param: null,
          code: null,
        },
      },
    ],
    [
      'unauthorized',
      401,
      {
        error: {
          message: 'Your authentication token has been invalidated. Please try signing in again.',
          type: 'invalid_request_error',
          param: null,
          code: 'token_invalidated',
        },
      },
    ],
  ] as const)('should answer the %s preset before any stream', async (scenario, status, body) => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios(scenario);

    const response = await postResponses({ rig, body: codexRequestBody() });

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(body);
    expect(rig.backend.exchanges).toMatchObject([{ status, scenario, rejection: undefined }]);
  });

  it('should send Retry-After and rate-limit headers on a plain 429', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios({ kind: 'rate-limit', retryAfterSeconds: 7 });

    const response = await postResponses({ rig, body: codexRequestBody() });

    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-codex-primary-used-percent')).toBe('12');
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('try again in 7s') } });
  });

  it('should send a custom http-error verbatim', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios({
      kind: 'http-error',
      status: 404,
      body: { detail: 'gone' },
      headers: { 'x-a': 'b' },
    });

    const response = await postResponses({ rig, body: codexRequestBody() });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-a')).toBe('b');
    expect(await response.json()).toEqual({ detail: 'gone' });
  });

  it('should play queued scenarios in order, then the default', async () => {
    const rig = await startCodexTestRig({ defaultScenario: 'function-call' });
    rig.backend.enqueueScenarios('overloaded', 'text');

    expect(rig.backend.pendingScenarios.map((pending) => pending.name)).toEqual(['overloaded', 'text']);
    const statuses: number[] = [];
    const lastTypes: unknown[] = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await postResponses({ rig, body: codexRequestBody() });
      statuses.push(response.status);
      lastTypes.push(response.status === 200 ? (await readSseBody(response)).data.at(-2)?.item : undefined);
    }

    expect(statuses).toEqual([503, 200, 200]);
    expect(rig.backend.exchanges.map((exchange) => exchange.scenario)).toEqual(['overloaded', 'text', 'function-call']);
    expect(lastTypes[1]).toMatchObject({ type: 'message' });
    expect(lastTypes[2]).toMatchObject({ type: 'function_call' });
    rig.backend.setDefaultScenario({ kind: 'http-error', status: 500 });
    expect((await postResponses({ rig, body: codexRequestBody() })).status).toBe(500);
  });

  it('should refuse unknown presets and scenario kinds, queueing none of a bad batch', async () => {
    const backend = await startFakeCodexBackend();

    expect(() => backend.enqueueScenarios('nope' as never)).toThrow('"scenario" "nope" is not a preset');
    expect(() => backend.enqueueScenarios('text', { kind: 'bogus' } as never)).toThrow('"scenario.kind"');
    expect(backend.pendingScenarios).toEqual([]);
  });

  it('should record when a client aborts a stalled stream, within 100 ms', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios({ kind: 'stream', stall: { ms: 10_000, afterDeltas: 1 } });
    const controller = new AbortController();

    const response = await postResponses({ rig, body: codexRequestBody(), signal: controller.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    const abortedAt = Date.now();
    controller.abort();
    const exchange = await rig.backend.waitForClose({ index: 0, timeoutMs: 2000 });

    expect(exchange.isClientAbort).toBe(true);
    expect(exchange.closedAt).toBeDefined();
    // Promptly, not when the 10 s stall ends: a margin wide enough for a loaded machine (timing is not the point).
    expect((exchange.closedAt ?? 0) - abortedAt).toBeLessThan(2000);
  });

  it('issue 18: a slow stream waits deltaDelayMs before every delta, so a client can stop or lose it mid-answer', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios({ kind: 'stream', text: 'one two three four', deltaCount: 4, deltaDelayMs: 150 });

    const startedAt = Date.now();
    const response = await postResponses({ rig, body: codexRequestBody() });
    const { data } = await readSseBody(response);

    const text = data
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta)
      .join('');
    expect(text).toBe('one two three four');
    // Four deltas, each after 150 ms: a lower bound only (a loaded machine is slower, never faster).
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(4 * 150);
    expect(data.at(-1)).toMatchObject({ type: 'response.completed' });
  });

  it('should not count a completed stream as a client abort', async () => {
    const rig = await startCodexTestRig();

    const response = await postResponses({ rig, body: codexRequestBody() });
    await response.arrayBuffer();
    const exchange = await rig.backend.waitForClose({ index: 0 });

    expect(exchange).toMatchObject({
      index: 0,
      status: 200,
      isClientAbort: false,
      accountId: rig.tokens.chatgptAccountId,
    });
    expect(exchange.request?.json).toMatchObject({ store: false, stream: true, model: 'gpt-5.5' });
  });

  it('should time out waiting for an exchange that never comes', async () => {
    const backend = await startFakeCodexBackend();

    await expect(backend.waitForClose({ index: 3, timeoutMs: 50 })).rejects.toThrow(
      'exchange 3 did not close within 50 ms',
    );
  });

  it('should serve /wham/usage from the same numbers as the headers', async () => {
    const rig = await startCodexTestRig({ now: () => NOW });

    const response = await getWithAuth({ rig, path: '/backend-api/wham/usage' });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      user_id: expect.stringMatching(/^user-/),
      account_id: rig.tokens.chatgptAccountId,
      email: 'user@example.com',
      plan_type: 'plus',
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: {
          used_percent: 12,
          limit_window_seconds: 18_000,
          reset_after_seconds: 13_873,
          reset_at: NOW_SECONDS + 13_873,
        },
        secondary_window: {
          used_percent: 34,
          limit_window_seconds: 604_800,
          reset_after_seconds: 316_705,
          reset_at: NOW_SECONDS + 316_705,
        },
      },
      code_review_rate_limit: null,
      credits: { has_credits: false, unlimited: false, balance: '0' },
    });
  });

  it('issue 19: should refuse /wham/usage without a token or with another account, as /responses does', async () => {
    const rig = await startCodexTestRig();

    const anonymous = await fetchWithTimeout(`${rig.backend.url}/backend-api/wham/usage`);
    const otherAccount = await getWithAuth({
      rig,
      path: '/backend-api/wham/usage',
      headers: { 'chatgpt-account-id': 'acct-someone-else' },
    });

    expect(anonymous.status).toBe(401);
    expect(otherAccount.status).toBe(403);
    expect(rig.backend.usageRequests).toBe(0);
  });

  it('issue 19: should script /wham/usage failures and shape changes for a number of requests', async () => {
    const rig = await startCodexTestRig();
    rig.backend.setRateLimits({ primaryUsedPercent: 95 });
    rig.backend.failUsage({ kind: 'status', status: 503, times: 1 });

    const failed = await getWithAuth({ rig, path: '/backend-api/wham/usage' });
    rig.backend.failUsage({ kind: 'shape', times: 1 });
    const reshaped = await getWithAuth({ rig, path: '/backend-api/wham/usage' });
    const recovered = await getWithAuth({ rig, path: '/backend-api/wham/usage' });

    expect(failed.status).toBe(503);
    expect(reshaped.status).toBe(200);
    expect(await reshaped.json()).not.toHaveProperty('rate_limit');
    expect(recovered.status).toBe(200);
    expect(await recovered.json()).toMatchObject({ rate_limit: { primary_window: { used_percent: 95 } } });
    expect(rig.backend.usageRequests).toBe(3);
    expect(() => rig.backend.failUsage({ kind: 'status', status: 200, times: 1 })).toThrow('a usage fault is');
  });

  it('should 404 unknown backend paths', async () => {
    const rig = await startCodexTestRig();

    const response = await getWithAuth({ rig, path: '/backend-api/wham/accounts/check' });

    expect(response.status).toBe(404);
  });

  it('should forget everything on reset', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios('overloaded');
    rig.backend.rejectAccessToken();
    rig.backend.setRateLimits({ primaryUsedPercent: 99 });
    await (await postResponses({ rig, body: codexRequestBody({ store: true }) })).arrayBuffer();

    rig.backend.reset();
    const response = await postResponses({ rig, body: codexRequestBody() });
    await response.arrayBuffer();

    expect(response.status).toBe(200);
    expect(response.headers.get('x-codex-primary-used-percent')).toBe('12');
    expect(rig.backend.exchanges).toHaveLength(1);
    expect(rig.backend.requests).toHaveLength(1);
  });

  it('should be driven over HTTP test hooks', async () => {
    const rig = await startCodexTestRig();
    const hook = (path: string, body?: unknown) =>
      fetchWithTimeout(`${rig.backend.url}/__testkit${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    const queued = await hook('/scenarios', {
      scenarios: ['overloaded', { kind: 'rate-limit', retryAfterSeconds: 2 }],
    });
    const bad = await hook('/scenarios', { scenarios: ['nope'] });
    await hook('/rate-limits', { primaryUsedPercent: 50 });
    const first = await postResponses({ rig, body: codexRequestBody() });
    const second = await postResponses({ rig, body: codexRequestBody() });
    await hook('/reject-token', { times: 1 });
    const third = await postResponses({ rig, body: codexRequestBody() });
    const exchanges = (await (await hook('/exchanges')).json()) as { exchanges: { status: number }[] };
    const requests = (await (await hook('/requests')).json()) as { requests: { path: string }[] };
    await hook('/reset', {});

    expect(await queued.json()).toEqual({ pending: 2 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: 'ERR_INVALID_ARG_VALUE', message: '"scenario" "nope" is not a preset' },
    });
    expect([first.status, second.status, third.status]).toEqual([503, 429, 401]);
    expect(second.headers.get('x-codex-primary-used-percent')).toBe('50');
    expect(exchanges.exchanges.map((exchange) => exchange.status)).toEqual([503, 429, 401]);
    expect(requests.requests.map((request) => request.path)).toEqual([
      '/backend-api/codex/responses',
      '/backend-api/codex/responses',
      '/backend-api/codex/responses',
    ]);
    expect(rig.backend.exchanges).toHaveLength(0);
  });

  it('should listen on a fixed port when asked', async () => {
    const port = await findFreeLoopbackPort();
    const backend = await startFakeCodexBackend({ port });

    try {
      const response = await fetchWithTimeout(`http://127.0.0.1:${port}/backend-api/codex/models`);
      expect(backend.url).toBe(`http://127.0.0.1:${port}`);
      expect(backend.codexBaseUrl).toBe(`http://127.0.0.1:${port}/backend-api/codex`);
      expect(response.status).toBe(401);
    } finally {
      await backend.close();
    }
  });
});
