import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../test/build-test-app.ts';
import { listAppRoutes } from '../test/list-app-routes.ts';
import { OFFLINE_APP_ENVIRONMENT, refusingFetch } from '../test/offline-app-environment.ts';

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
});

describe('issue 16: hostile bodies on every route', () => {
  // Known-hostile rows sent as raw JSON text, so each key really goes over the wire: an object literal's
  // `__proto__` would set the literal's prototype instead, and JSON.stringify would drop it. Deterministic rows
  // beside the random inputs of test/json-routes.fuzz.test.ts, which may or may not generate these.
  const HOSTILE_BODIES = [
    'null',
    '[]',
    '"string"',
    '42',
    '{"email":null,"password":null}',
    '{"email":["a@example.com"],"password":{"$ne":""}}',
    JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(5000) }),
    '{"token":1,"email":2,"password":3}',
    '{"name":{"toString":"x"}}',
    '{"__proto__":{"isAdmin":true,"polluted":true},"name":"proto"}',
    '{"name":"nested","settings":{"__proto__":{"polluted":true}}}',
    '{"constructor":{"prototype":{"polluted":true}},"name":"ctor"}',
    '{"email": "owner@example.com",',
  ];
  let hostile: TestApp;
  let member: SignedInClient;

  beforeEach(async () => {
    hostile = await buildTestApp(OFFLINE_APP_ENVIRONMENT, { upstreamFetch: refusingFetch });
    member = await signInNewUser(hostile);
  });
  afterEach(async () => {
    await hostile.close();
  });

  it('issue 16: the __proto__ rows really send a "__proto__" key', () => {
    const withProto = HOSTILE_BODIES.filter((row) => row.includes('"__proto__"')).map((row) => JSON.parse(row));
    expect(withProto).toHaveLength(2);
    expect(Object.hasOwn(withProto[0], '__proto__')).toBe(true);
    expect(Object.hasOwn(withProto[1].settings, '__proto__')).toBe(true);
  });

  it('issue 16: a body with a __proto__ key is refused as invalid JSON, before any handler reads it', async () => {
    const response = await hostile.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie: member.cookie, 'x-csrf-token': member.csrfToken, 'content-type': 'application/json' },
      payload: '{"__proto__":{"isAdmin":true},"name":"proto"}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/JSON/) });
  });

  it('issue 16: never a 5xx and no prototype pollution, on every route the app serves', async () => {
    const routes = listAppRoutes(hostile.app);
    // The inventory is the app's own; an empty one would make this test vacuous.
    expect(routes.length).toBeGreaterThan(40);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
    let sent = 0;
    for (const route of routes) {
      const url = route.path.replaceAll(/:[A-Za-z]+|\*/g, 'x');
      for (const [index, payload] of HOSTILE_BODIES.entries()) {
        const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
        const response = await hostile.app.inject({
          method: route.method as 'POST',
          url,
          headers: {
            cookie: member.cookie,
            'x-csrf-token': member.csrfToken,
            ...(hasBody ? { 'content-type': 'application/json' } : {}),
          },
          ...(hasBody ? { payload } : {}),
          // One address per row and route, under every rate limit.
          remoteAddress: `10.${sent >> 8}.${sent & 255}.${index + 1}`,
        });
        sent += 1;
        const what = `${route.method} ${url} ${payload.slice(0, 80)}`;
        expect(response.statusCode, what).toBeLessThan(500);
        // Our two front doors answer in their envelopes, whose message says what to fix.
        if (response.statusCode >= 400 && /^\/(api|v1)\//.test(url)) {
          expect(response.json().error.message, what).toEqual(expect.any(String));
        }
      }
    }
    expect(sent).toBe(routes.length * HOSTILE_BODIES.length);
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
    const probe = {} as Record<string, unknown>;
    expect([probe.isAdmin, probe.polluted]).toEqual([undefined, undefined]);
  }, 120_000);
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
    await test.db.$close();
    // close() in afterEach would close it again, which a PostgreSQL pool refuses: once is enough.
    test.db.$close = async () => {};
    const response = await test.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', checks: { database: 'failed' } });
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
