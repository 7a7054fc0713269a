import parsePrometheusTextFormat, { type ParsedMetricFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test/build-test-app.ts';
import { OFFLINE_APP_ENVIRONMENT } from '../test/offline-app-environment.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../test/start-ai-test-gateway.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';

function sample(families: ParsedMetricFamily[], name: string, labels: Record<string, string>) {
  const family = families.find((candidate) => candidate.name === name);
  return family?.metrics.find((metric) =>
    Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value),
  );
}

describe('issue 19: GET /metrics after requests over the fakes', () => {
  let gateway: AiTestGateway;
  let owner: AiTestUser;

  beforeAll(async () => {
    gateway = await startAiTestGateway();
    owner = await gateway.addUser({
      email: 'owner@home.test',
      chatgptAccount: 'alice@example.com',
      openaiKey: 'sk-test-fake-openai-api-key-0000',
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('issue 19: counts requests, streams, first tokens, tokens and quota, parsed by a Prometheus text parser', async () => {
    const { app } = gateway.test;
    const headers = { authorization: `Bearer ${owner.apiKey}` };
    // A usage limit first (its 429 reports the window full), then an answer whose headers report it at 42.5 %.
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 900 });
    const limited = await app.inject({
      method: 'POST',
      url: '/api/ai/chat',
      headers,
      payload: { content: 'Hi', model: 'chatgpt/gpt-5.5' },
    });
    expect(limited.statusCode).toBe(429);
    // The quota windows the backend's headers report, and one refused access token: refreshed once, then answered.
    gateway.fakeCodex.setRateLimits({ primaryUsedPercent: 42.5, secondaryUsedPercent: 70 });
    gateway.fakeCodex.rejectAccessToken({ times: 1 });
    const streamed = await app.inject({
      method: 'POST',
      url: '/api/ai/stream',
      headers,
      payload: { content: 'Hello', model: 'chatgpt/gpt-5.5' },
    });
    expect(streamed.statusCode).toBe(200);
    const answered = await app.inject({
      method: 'POST',
      url: '/api/ai/chat',
      headers,
      payload: { content: 'Hi', model: 'openai/gpt-4.1' },
    });
    expect(answered.statusCode).toBe(200);
    const refused = await app.inject({ method: 'POST', url: '/api/ai/chat', payload: { content: 'Hi' } });
    expect(refused.statusCode).toBe(401);

    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(response.body);

    const requests = (route: string, status: string) =>
      Number(sample(families, 'gateway_http_requests_total', { route, method: 'POST', status })?.value ?? 0);
    expect(requests('/api/ai/stream', '200')).toBe(1);
    expect(requests('/api/ai/chat', '200')).toBe(1);
    expect(requests('/api/ai/chat', '401')).toBe(1);
    expect(requests('/api/ai/chat', '429')).toBe(1);
    const counter = (name: string, labels: Record<string, string>) =>
      Number(sample(families, name, labels)?.value ?? 0);
    expect(counter('gateway_token_refreshes_total', { provider: 'chatgpt', outcome: 'refreshed' })).toBe(1);
    expect(counter('gateway_upstream_errors_total', { provider: 'chatgpt', code: 'usage_limit_reached' })).toBe(1);
    // The parser folds a labelled histogram's series into one (a limit of the package), so it proves the families
    // are well formed and typed; their per-label counts are read from the exposition's own `_count` lines.
    const typeOf = (name: string) => families.find((family) => family.name === name)?.type;
    expect(typeOf('gateway_http_request_duration_seconds')).toBe('HISTOGRAM');
    expect(typeOf('gateway_time_to_first_token_seconds')).toBe('HISTOGRAM');
    const countOf = (name: string, labels: string) =>
      Number(new RegExp(`^${name}_count\\{${labels}\\} (\\S+)$`, 'm').exec(response.body)?.[1]);
    expect(countOf('gateway_http_request_duration_seconds', 'route="/api/ai/stream",provider="chatgpt"')).toBe(1);
    expect(countOf('gateway_http_request_duration_seconds', 'route="/api/ai/chat",provider="openai"')).toBe(1);
    expect(countOf('gateway_time_to_first_token_seconds', 'route="/api/ai/stream",provider="chatgpt"')).toBe(1);
    expect(Number(sample(families, 'gateway_open_streams', {})?.value)).toBe(0);
    expect(
      Number(sample(families, 'gateway_tokens_total', { provider: 'chatgpt', kind: 'output' })?.value),
    ).toBeGreaterThan(0);
    expect(
      Number(sample(families, 'gateway_tokens_total', { provider: 'openai', kind: 'input' })?.value),
    ).toBeGreaterThan(0);
    expect(counter('gateway_quota_used_percent', { provider: 'chatgpt', window: 'primary' })).toBe(42.5);
    expect(counter('gateway_quota_used_percent', { provider: 'chatgpt', window: 'secondary' })).toBe(70);
    // Bounded labels: no URL, user, key or email anywhere in the exposition.
    expect(response.body).not.toContain('owner@home.test');
    expect(response.body).not.toContain('alice@example.com');
    expect(response.body).not.toContain(owner.apiKey);
  });
});

describe('issue 19: who may scrape /metrics', () => {
  let withToken: TestApp;
  let withoutToken: TestApp;

  beforeAll(async () => {
    withToken = await buildTestApp({ ...OFFLINE_APP_ENVIRONMENT, GATEWAY_METRICS_TOKEN: METRICS_TOKEN });
    withoutToken = await buildTestApp(OFFLINE_APP_ENVIRONMENT);
  });
  afterAll(async () => {
    await withToken?.close();
    await withoutToken?.close();
  });

  it('issue 19: with a token set, no or a wrong bearer gets 401 and the token gets the metrics', async () => {
    const missing = await withToken.app.inject({ method: 'GET', url: '/metrics' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.message).toContain('GATEWAY_METRICS_TOKEN');
    const wrong = await withToken.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}x` },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await withToken.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      remoteAddress: '203.0.113.7',
    });
    expect(right.statusCode).toBe(200);
    expect(parsePrometheusTextFormat(right.body).map((family) => family.name)).toContain('gateway_open_streams');
  });

  it('issue 19: without a token only loopback callers that no proxy forwarded may scrape', async () => {
    const local = await withoutToken.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    const remote = await withoutToken.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.7' });
    expect(remote.statusCode).toBe(404);
    expect(remote.headers['content-type']).toMatch(/^application\/json/);
    expect(remote.json().error.message).toContain('GATEWAY_METRICS_TOKEN');
    const proxied = await withoutToken.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(proxied.statusCode).toBe(404);
  });

  it('issue 19: an unknown path under every non-UI prefix is a JSON 404, never the settings UI', async () => {
    const paths = [
      '/api/anything-unknown',
      '/api',
      '/v1/anything-unknown',
      '/metrics/anything-unknown',
      '/metricsx',
      '/oauth/anything-unknown',
      '/.well-known/anything-unknown',
      '/mcp/anything-unknown',
      '/healthz/anything-unknown',
      '/readyz/anything-unknown',
      '/assets/missing-build-file.js',
    ];
    for (const url of paths) {
      const response = await withoutToken.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).not.toMatch(/html/);
      // The OAuth server (oidc-provider) answers every path under /oauth itself, in its own plain 404.
      if (url.startsWith('/oauth/')) continue;
      expect(response.headers['content-type'], url).toMatch(/^application\/json/);
      expect(response.json().error.code, url).toBe('not_found');
    }
  });

  it('issue 19: the settings UI still serves its own client routes as HTML', async () => {
    for (const url of ['/', '/settings/connections', '/login']) {
      const response = await withoutToken.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
    }
  });
});
