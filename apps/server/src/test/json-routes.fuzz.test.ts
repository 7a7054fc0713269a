import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from './build-test-app.ts';

// Issue 16: property-based fuzzing of every route the app serves, found from the app itself so a new route is fuzzed
// without a change here. Whatever the body, query or path parameter, the answer is never a 5xx. FUZZ_RUNS sets the
// inputs per route (default 1,000); fast-check prints the seed and path of a failure, FUZZ_SEED replays it.
const FUZZ = { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), ...seedFromEnvironment() };

function seedFromEnvironment(): { seed?: number } {
  return process.env.FUZZ_SEED == null ? {} : { seed: Number(process.env.FUZZ_SEED) };
}

// Nothing leaves the machine: the upstreams are a closed loopback port, and the fetch the app is given for
// user-supplied upstreams refuses at once.
const CLOSED = 'http://127.0.0.1:9';
const ENVIRONMENT = {
  GATEWAY_OPENAI_AUTH_URL: CLOSED,
  GATEWAY_CHATGPT_BACKEND_URL: `${CLOSED}/backend-api`,
  GATEWAY_GEMINI_API_URL: CLOSED,
  GATEWAY_GOOGLE_AUTH_URL: `${CLOSED}/auth`,
  GATEWAY_GOOGLE_TOKEN_URL: `${CLOSED}/token`,
  GATEWAY_GOOGLE_REVOKE_URL: `${CLOSED}/revoke`,
};
const refusingFetch: typeof fetch = async () => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });
};

type Route = { method: string; path: string };

/** Every method and path of `printRoutes()`, its tree flattened: the app's own inventory of what it serves. */
function listRoutes(tree: string): Route[] {
  const parents: string[] = [];
  const routes: Route[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)$/.exec(line.replaceAll('\u00a0', ' '));
    if (match == null) continue;
    const [, indent = '', segment = '', methods = ''] = match;
    const depth = indent.length / 4;
    const path = `${parents[depth - 1] ?? ''}${segment}`;
    parents[depth] = path;
    for (const method of methods.split(', ')) routes.push({ method, path });
  }
  return routes;
}

// Field names the routes read, so generated objects reach past "unknown field" into each schema's own checks.
const FIELD_NAMES = [
  'email',
  'password',
  'token',
  'name',
  'model',
  'messages',
  'input',
  'stream',
  'prompt',
  'text',
  'feature',
  'apiKey',
  'baseUrl',
  'provider',
  'reasoningEffort',
  'instructions',
  'tools',
  'tool_choice',
  'max_tokens',
  'role',
  'content',
  'mode',
  'flowId',
  'pasted',
  'clientId',
  'clientSecret',
  'redirect_uris',
  'client_name',
  'grant_type',
  'code',
  'code_verifier',
  'refresh_token',
  'scope',
  'resource',
  'enabled',
  'settings',
  'fallback',
  'isAdmin',
  '__proto__',
  'constructor',
];
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', 'x'.repeat(10_000), '\u0000', '\u202e', 'gpt-5.5', 'chatgpt/gpt-5.5', 'https://example.com'),
);
const body = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...FIELD_NAMES), value, { maxKeys: 6 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const rawBody = fc.oneof(
  { weight: 5, arbitrary: body.map((json) => ({ type: 'application/json', payload: JSON.stringify(json) })) },
  { weight: 1, arbitrary: fc.string().map((text) => ({ type: 'application/json', payload: text })) },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 30 }), { maxKeys: 6 })
      .map((fields) => ({
        type: 'application/x-www-form-urlencoded',
        payload: new URLSearchParams(fields).toString(),
      })),
  },
);
const pathParameter = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.uuid(),
  fc.constantFrom('%00', '..', '%ff', 'chatgpt', 'openai'),
);
const query = fc.dictionary(fc.constantFrom(...FIELD_NAMES, 'state', 'error'), fc.string({ maxLength: 20 }), {
  maxKeys: 4,
});

describe('issue 16: fuzzing every route', () => {
  let test: TestApp;
  let owner: SignedInClient;
  let apiKey: string;
  let routes: Route[];
  let webDir: string;

  beforeAll(async () => {
    // A stand-in settings UI, so the pages answer as they do in a real install whether or not the UI was built
    // (without one they answer 503 "build the UI first", which is about the install, not the input).
    webDir = mkdtempSync(join(tmpdir(), 'pag-fuzz-ui-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>settings</title>');
    test = await buildTestApp(ENVIRONMENT, { upstreamFetch: refusingFetch, config: { webDir } });
    owner = await signInNewUser(test);
    apiKey = createApiKey({ db: test.db, now: Date.now }, { userId: owner.userId, name: 'fuzz' }).secret;
    routes = listRoutes(test.app.printRoutes({ commonPrefix: false })).filter(
      // The built UI's files are static; `*` is the 404 handler, reached by the random paths below anyway.
      (route) => !/^\/(assets\/|index\.html|favicon)/.test(route.path) && route.method !== 'HEAD',
    );
  });
  afterAll(async () => {
    await test.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('should find the routes to fuzz in the app itself', () => {
    // A parse that silently found nothing would make every property below vacuous.
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContainEqual({ method: 'POST', path: '/v1/chat/completions' });
    expect(routes).toContainEqual({ method: 'DELETE', path: '/api/keys/:id' });
  });

  it('should never answer a 5xx, on any route, whatever the input', async () => {
    let requests = 0;
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          rawBody,
          pathParameter,
          query,
          fc.constantFrom('session', 'api-key', 'none'),
          fc.nat(65_535),
          async (input, parameter, search, credentials, client) => {
            const path = route.path.replaceAll(/:[A-Za-z]+|\*/g, () => encodeURIComponent(parameter));
            const headers: Record<string, string> =
              credentials === 'session'
                ? { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken }
                : credentials === 'api-key'
                  ? { authorization: `Bearer ${apiKey}` }
                  : {};
            const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
            const response = await test.app.inject({
              method: route.method as 'GET',
              url: `${path}?${new URLSearchParams(search)}`,
              headers: hasBody ? { ...headers, 'content-type': input.type } : headers,
              ...(hasBody ? { payload: input.payload } : {}),
              // A new client address per input, so the rate limits do not turn most inputs into 429s.
              remoteAddress: `10.${client >> 8}.${client & 255}.7`,
            });
            requests += 1;
            expect(response.statusCode, `${route.method} ${path} ${input.payload.slice(0, 300)}`).toBeLessThan(500);
          },
        ),
        FUZZ,
      );
    }
    expect(requests).toBe(routes.length * FUZZ.numRuns);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 600_000);
});
