import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../test/build-test-app.ts';

let test: TestApp;
let owner: SignedInClient;
beforeEach(async () => {
  test = await buildTestApp();
  owner = await signInNewUser(test);
});
afterEach(async () => {
  await test.close();
});

describe('client mistakes', () => {
  it('should answer malformed JSON with 400 and say so', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "owner@example.com",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    expect(response.json().error.message).toMatch(/not valid JSON/);
  });

  it('should answer an oversized body with 413 before reading it all', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toEqual({ code: 'payload_too_large', message: 'The request body is too large.' });
  });

  it('should answer a form-encoded body with 415 naming the expected type', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a&password=b',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.message).toBe('Unsupported Content-Type: send the body as application/json.');
  });

  it('should answer unknown API routes with a JSON 404 naming the route', async () => {
    for (const url of ['/api/nothing', '/api']) {
      const response = await test.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toEqual({ code: 'not_found', message: `No route for GET ${url}.` });
    }
    // Under /v1 the same answer comes in OpenAI's envelope, which OpenAI clients parse.
    const v1 = await test.app.inject({ method: 'GET', url: '/v1/chat/completions' });
    expect(v1.statusCode).toBe(404);
    expect(v1.json().error).toEqual({
      message: 'Unknown endpoint: GET /v1/chat/completions.',
      type: 'invalid_request_error',
      code: 'not_found',
      param: null,
    });
  });

  // A table of hostile and sloppy inputs against every route: none may produce a 5xx.
  const badBodies: unknown[] = [
    null,
    [],
    'string',
    42,
    { email: null, password: null },
    { email: ['a@example.com'], password: { $ne: '' } },
    { email: 'a@example.com', password: 'x'.repeat(5000) },
    { token: 1, email: 2, password: 3 },
    { name: { toString: 'x' } },
    { __proto__: { isAdmin: true }, name: 'proto' },
    { constructor: { prototype: { polluted: true } } },
  ];
  const routes = [
    { method: 'POST', url: '/api/auth/login' },
    { method: 'POST', url: '/api/auth/setup' },
    { method: 'POST', url: '/api/keys' },
    { method: 'DELETE', url: '/api/keys/%00%ff' },
    { method: 'POST', url: '/api/auth/logout' },
  ] as const;

  it.each(routes)('should never answer $method $url with a 5xx, whatever the body', async (route) => {
    for (const body of badBodies) {
      const response = await test.app.inject({
        method: route.method,
        url: route.url,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
        remoteAddress: `10.9.${badBodies.indexOf(body)}.1`,
      });
      expect(response.statusCode, `${route.method} ${route.url} ${JSON.stringify(body)}`).toBeLessThan(500);
      if (response.statusCode >= 400) expect(response.json().error.message).toEqual(expect.any(String));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('should carry security headers and a request id on every answer', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('health', () => {
  it('should report liveness and database readiness', async () => {
    expect((await test.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await test.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      checks: { database: 'ok' },
    });
  });

  it('should answer 503 on /readyz when the database is gone', async () => {
    test.db.$client.close();
    const response = await test.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', checks: { database: 'failed' } });
    // close() in afterEach closes it again; better-sqlite3 allows that.
  });
});

describe('web UI serving', () => {
  let ui: TestApp;
  beforeEach(async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'pag-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>gateway</title>');
    writeFileSync(join(webDir, 'assets', 'app-abc123.js'), 'console.log(1)');
    ui = await buildTestApp({ GATEWAY_WEB_DIR: webDir });
  });
  afterEach(async () => {
    await ui.close();
  });

  it('should serve index.html for client-side routes, uncached', async () => {
    for (const url of ['/', '/settings/api-keys', '/login?next=%2Fsettings']) {
      const response = await ui.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<title>gateway</title>');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('should cache fingerprinted assets forever', async () => {
    const response = await ui.app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('should never answer an unknown API path with the SPA page', async () => {
    for (const url of ['/api/unknown', '/v1/unknown', '/healthz/extra']) {
      const response = await ui.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/application\/json/);
    }
    const post = await ui.app.inject({ method: 'POST', url: '/settings' });
    expect(post.statusCode).toBe(404);
  });
});
