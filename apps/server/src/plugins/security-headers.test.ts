import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../test/build-test-app.ts';
import { OFFLINE_APP_ENVIRONMENT } from '../test/offline-app-environment.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../test/start-ai-test-gateway.ts';

// What plugins/security-headers.ts promises (and the README's "Security defaults"), read from real answers of every
// kind over HTTP: a JSON API answer, an error, the UI's HTML and an SSE stream (written on the raw socket).

/** The directives the settings UI needs and no more: only our own files, no inline script, never framed. */
const EXPECTED_CSP: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** `name value value; name value` → { name: [values] }, refusing a directive given twice (browsers keep the first). */
function parseCsp(what: string, header: string | null): Record<string, string[]> {
  expect(header, `${what}: content-security-policy`).toEqual(expect.any(String));
  const directives: Record<string, string[]> = {};
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name == null || name === '') continue;
    expect(directives, `${what}: directive ${name} given twice`).not.toHaveProperty(name);
    directives[name.toLowerCase()] = values;
  }
  return directives;
}

function expectSecurityHeaders(what: string, headers: Headers, options: { isHttps: boolean }) {
  const csp = parseCsp(what, headers.get('content-security-policy'));
  expect(csp, what).toEqual(options.isHttps ? { ...EXPECTED_CSP, 'upgrade-insecure-requests': [] } : EXPECTED_CSP);
  // Spelled out, so a loosened policy fails here by name whatever the table above says.
  for (const unsafe of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) {
    expect(csp['script-src'], `${what}: script-src`).not.toContain(unsafe);
  }
  expect(csp['frame-ancestors'], what).toEqual(["'none'"]);
  expect(headers.get('x-frame-options'), what).toBe('DENY');
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(headers.get('x-request-id'), what).toMatch(/^[0-9a-f-]{36}$/);
  if (options.isHttps) expect(headers.get('strict-transport-security'), what).toBe('max-age=31536000');
  else expect(headers.get('strict-transport-security'), what).toBeNull();
}

describe('issue 16: security headers on every kind of answer', () => {
  let gateway: AiTestGateway;
  let user: AiTestUser;

  beforeAll(async () => {
    gateway = await startAiTestGateway({
      environment: { GATEWAY_WEB_DIR: OFFLINE_APP_ENVIRONMENT.GATEWAY_WEB_DIR ?? '' },
    });
    user = await gateway.addUser({ email: 'headers@home.test', chatgptAccount: 'alice@example.com' });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });

  it('issue 16: a JSON API answer, error answers, the UI’s HTML and an SSE stream', async () => {
    const json = await get('/api/auth/session', { cookie: user.session.cookie });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expectSecurityHeaders('JSON API answer', json.headers, { isHttps: false });

    const notFound = await get('/api/nothing');
    expect(notFound.status).toBe(404);
    expectSecurityHeaders('404 answer', notFound.headers, { isHttps: false });
    const refused = await get('/v1/models', { authorization: 'Bearer gwk_wrong' });
    expect(refused.status).toBe(401);
    expectSecurityHeaders('401 answer', refused.headers, { isHttps: false });

    // An upstream that drops every connection: 502 after the adapter's retries, from the note-app API.
    gateway.fakeCodex.faults.push({ match: { path: /\/responses$/ }, times: 10, fault: { kind: 'drop-connection' } });
    const failed = await fetch(`${gateway.url}/api/ai/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Hi', model: 'chatgpt/gpt-5.5' }),
      signal: AbortSignal.timeout(20_000),
    });
    gateway.fakeCodex.faults.clear();
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    expectSecurityHeaders('502 answer', failed.headers, { isHttps: false });

    const page = await get('/settings/connections');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('stub settings UI');
    expectSecurityHeaders('UI page', page.headers, { isHttps: false });

    const stream = await fetch(`${gateway.url}/api/ai/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Hi', model: 'chatgpt/gpt-5.5' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectSecurityHeaders('SSE stream', stream.headers, { isHttps: false });
    expect(await stream.text()).toContain('event: done');

    const health = await get('/healthz');
    expectSecurityHeaders('/healthz', health.headers, { isHttps: false });
  });
});

describe('issue 16: security headers when served over https', () => {
  it('issue 16: adds HSTS and upgrade-insecure-requests, on answers and errors alike', async () => {
    const test = await buildTestApp({ ...OFFLINE_APP_ENVIRONMENT, GATEWAY_PUBLIC_URL: 'https://gateway.example.test' });
    try {
      for (const url of ['/healthz', '/api/nothing', '/settings']) {
        const response = await test.app.inject({ url });
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value != null) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
        }
        expectSecurityHeaders(url, headers, { isHttps: true });
      }
    } finally {
      await test.close();
    }
  });
});
