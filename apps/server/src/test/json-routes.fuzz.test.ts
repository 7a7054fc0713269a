import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from './build-test-app.ts';
import { type AppRoute, listAppRoutes } from './list-app-routes.ts';
import { OFFLINE_APP_ENVIRONMENT, refusingFetch } from './offline-app-environment.ts';

// Issue 16: property-based fuzzing of every route the app serves, found from the app itself so a new route is fuzzed
// without a change here. Whatever the body, query or path parameter, the answer is never a 5xx. FUZZ_RUNS sets the
// inputs per route (default 1,000); fast-check prints the seed and path of a failure, FUZZ_SEED replays it.
const FUZZ = { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), ...seedFromEnvironment() };

function seedFromEnvironment(): { seed?: number } {
  return process.env.FUZZ_SEED == null ? {} : { seed: Number(process.env.FUZZ_SEED) };
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
  let routes: AppRoute[];

  beforeAll(async () => {
    test = await buildTestApp(OFFLINE_APP_ENVIRONMENT, { upstreamFetch: refusingFetch });
    owner = await signInNewUser(test);
    apiKey = (await createApiKey({ db: test.db, now: Date.now }, { userId: owner.userId, name: 'fuzz' })).secret;
    // Nothing leaves the machine (offline-app-environment.ts). `*` is the 404 handler, reached by random paths anyway.
    routes = listAppRoutes(test.app);
  });
  afterAll(() => test.close());

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
