import { count, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oauthRecords } from '../../db/schema.ts';
import { buildTestApp, signInNewUser, type TestApp } from '../../test/build-test-app.ts';
import { readDatabaseText } from '../../test/read-database-bytes.ts';

const PUBLIC_URL = 'https://gateway.example.test';
const ISSUER = `${PUBLIC_URL}/oauth`;
const RESOURCE = `${PUBLIC_URL}/mcp`;

function register(test: TestApp, metadata: Record<string, unknown>, remoteAddress = '127.0.0.1') {
  return test.app.inject({ method: 'POST', url: '/oauth/register', payload: metadata, remoteAddress });
}

describe('issue 8: the authorization server’s discovery documents and registration policy', () => {
  let test: TestApp;

  beforeEach(async () => {
    test = await buildTestApp({ GATEWAY_PUBLIC_URL: PUBLIC_URL, GATEWAY_OAUTH_MAX_CLIENTS: '2' });
  });
  afterEach(async () => {
    await test.close();
  });

  it('publishes one metadata document, with one issuer string, at every location MCP clients try', async () => {
    const locations = [
      '/.well-known/oauth-authorization-server/oauth',
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration/oauth',
      '/oauth/.well-known/openid-configuration',
      '/oauth/.well-known/oauth-authorization-server',
    ];
    const documents = await Promise.all(locations.map((url) => test.app.inject({ url })));
    for (const response of documents) {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual(documents[0]?.json());
    }
    const metadata = documents[0]?.json();
    expect(metadata).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      registration_endpoint: `${ISSUER}/register`,
      revocation_endpoint: `${ISSUER}/revoke`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      authorization_response_iss_parameter_supported: true,
      // issue 18: `ai` for connected apps, beside the MCP scope (docs/app-connect.md §2).
      scopes_supported: ['mcp:tools', 'ai'],
    });
    // No OpenID surface and no unadvertised Client ID Metadata Document support (it would break Claude).
    expect(metadata).not.toHaveProperty('client_id_metadata_document_supported');
    expect(metadata).not.toHaveProperty('userinfo_endpoint');
  });

  it('builds every URL from the configured public URL, whatever Host the request claims', async () => {
    const response = await test.app.inject({
      url: '/.well-known/oauth-authorization-server/oauth',
      headers: { host: 'attacker.example', 'x-forwarded-host': 'attacker.example' },
    });
    expect(JSON.stringify(response.json())).not.toContain('attacker');
  });

  it('publishes protected-resource metadata for /mcp, path-inserted and at the root', async () => {
    for (const url of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const response = await test.app.inject({ url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.json()).toEqual({
        resource: RESOURCE,
        authorization_servers: [ISSUER],
        scopes_supported: ['mcp:tools'],
        bearer_methods_supported: ['header'],
        resource_name: 'Personal AI Gateway',
      });
    }
  });

  it('challenges a request without a token with the metadata URL and no error code (RFC 6750 §3.1)', async () => {
    const response = await test.app.inject({ method: 'POST', url: '/mcp', payload: {} });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="${PUBLIC_URL}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
    );
  });

  it('registers public and confidential clients; a secret is issued only when the method needs one', async () => {
    const publicClient = await register(test, {
      client_name: 'Claude',
      redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
      token_endpoint_auth_method: 'none',
    });
    expect(publicClient.statusCode).toBe(201);
    expect(publicClient.headers['cache-control']).toContain('no-store');
    expect(publicClient.json()).not.toHaveProperty('client_secret');
    const confidential = await register(test, {
      client_name: 'ChatGPT',
      redirect_uris: ['https://chatgpt.com/connector/oauth/abc123'],
    });
    expect(confidential.statusCode).toBe(201);
    // RFC 7591 §2: an omitted method means client_secret_basic, so a secret comes back.
    expect(confidential.json()).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic' });
    expect(confidential.json().client_secret).toEqual(expect.any(String));
  });

  it('refuses redirect URIs that are neither https nor loopback http, naming the rule', async () => {
    for (const uri of ['http://evil.example/callback', 'cursor://callback', 'https://app.example/cb#fragment']) {
      const response = await register(test, { redirect_uris: [uri], token_endpoint_auth_method: 'none' });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_redirect_uri');
    }
    const loopback = await register(test, {
      redirect_uris: ['http://127.0.0.1:3000/callback'],
      token_endpoint_auth_method: 'none',
    });
    expect(loopback.statusCode).toBe(201);
    // Loopback-only clients are native apps: their port may vary at authorization (RFC 8252 §7.3).
    expect(loopback.json().application_type).toBe('native');
  });

  it('bounds registrations: a full table collects abandoned clients first, else refuses with what to do', async () => {
    const metadata = { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' };
    expect((await register(test, metadata)).statusCode).toBe(201);
    expect((await register(test, metadata)).statusCode).toBe(201);
    const full = await register(test, metadata);
    expect(full.statusCode).toBe(503);
    expect(full.json().error_description).toContain('GATEWAY_OAUTH_MAX_CLIENTS');
    // Ten minutes later the two unapproved registrations are fair game.
    test.advanceTime(11 * 60_000);
    expect((await register(test, metadata)).statusCode).toBe(201);
    const clients = await test.db.select({ count: count() }).from(oauthRecords).where(eq(oauthRecords.kind, 'Client'));
    expect(clients).toEqual([{ count: 1 }]);
  });

  it('shows an error page — and never redirects — for an unknown client', async () => {
    const response = await test.app.inject({
      url: '/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&code_challenge=abc&code_challenge_method=S256',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.body).toContain('invalid_client');
    expect(response.body).not.toContain('<script');
  });

  it('keeps the consent API and Connected apps behind the gateway session', async () => {
    expect((await test.app.inject({ url: '/oauth/interaction/abcdefghijklmnop/details' })).statusCode).toBe(401);
    expect((await test.app.inject({ url: '/api/connected-apps' })).statusCode).toBe(401);
    const session = await signInNewUser(test);
    const expired = await test.app.inject({
      url: '/oauth/interaction/abcdefghijklmnop/details',
      headers: { cookie: session.cookie },
    });
    expect(expired.statusCode).toBeGreaterThanOrEqual(400);
    expect(expired.json().error.code).toBe('flow_expired');
    const withoutCsrf = await test.app.inject({
      method: 'DELETE',
      url: '/api/connected-apps',
      headers: { cookie: session.cookie },
    });
    expect(withoutCsrf.statusCode).toBe(403);
  });

  it('stores client secrets and registration tokens only inside vault ciphertexts', async () => {
    const confidential = (await register(test, { redirect_uris: ['https://app.example/cb'] })).json();
    const bytes = await readDatabaseText(test.db, test.config.databaseFile);
    expect(bytes).not.toContain(confidential.client_secret);
    expect(bytes).not.toContain(confidential.registration_access_token);
  });
});

describe('issue 16: the authorization server’s endpoints are rate-limited per client address', () => {
  let test: TestApp;

  beforeEach(async () => {
    // Room for every registration, so only the rate limit can refuse one.
    test = await buildTestApp({ GATEWAY_PUBLIC_URL: PUBLIC_URL, GATEWAY_OAUTH_MAX_CLIENTS: '1000' });
  });
  afterEach(async () => {
    await test.close();
  });

  /** Sends `send(address)` `allowed` times, then once more: every one but the last is answered, the last is 429. */
  async function expectLimit(allowed: number, send: (address: string) => Promise<LightMyRequestResponse>) {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < allowed; attempt += 1) statuses.push((await send('10.9.9.9')).statusCode);
    expect(statuses.filter((status) => status === 429)).toEqual([]);
    const refused = await send('10.9.9.9');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The limit is the address’s own: another client is still served.
    expect((await send('10.9.9.10')).statusCode).not.toBe(429);
    return statuses;
  }

  it('issue 16: registration: 30 succeed, the 31st is 429 with Retry-After, another address still registers', async () => {
    const metadata = { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' };
    const statuses = await expectLimit(30, (address) => register(test, metadata, address));
    expect(statuses).toEqual(Array.from({ length: 30 }, () => 201));
  });

  it('issue 16: /oauth/token: 120 answers a minute, then 429 with Retry-After', async () => {
    const statuses = await expectLimit(120, (address) =>
      test.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: 'grant_type=authorization_code&code=nothing&client_id=nobody',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: address,
      }),
    );
    // oidc-provider answers each of them itself (an unknown client), so the limit is the only 429.
    expect(new Set(statuses)).toEqual(new Set([401]));
  });

  it('issue 16: /oauth/authorize: 60 answers a minute, then 429 with Retry-After', async () => {
    const statuses = await expectLimit(60, (address) =>
      test.app.inject({
        url: '/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_challenge=abc&code_challenge_method=S256',
        remoteAddress: address,
      }),
    );
    expect(new Set(statuses)).toEqual(new Set([400]));
  });
});

describe('issue 16 (6): malformed client registrations are the client’s mistake, never a 500', () => {
  let test: TestApp;
  let registrations = 0;

  beforeEach(async () => {
    // Room for every row that registers; each row from its own address, under the per-address rate limit.
    test = await buildTestApp({ GATEWAY_PUBLIC_URL: PUBLIC_URL, GATEWAY_OAUTH_MAX_CLIENTS: '100000' });
  });
  afterEach(async () => {
    await test.close();
  });

  const send = (payload: string) => {
    registrations += 1;
    return test.app.inject({
      method: 'POST',
      url: '/oauth/register',
      payload,
      headers: { 'content-type': 'application/json' },
      remoteAddress: `10.16.${Math.floor(registrations / 250)}.${(registrations % 250) + 1}`,
    });
  };

  /** Values of every JSON type, and arrays of the wrong kind. */
  const WRONG_VALUES: readonly unknown[] = [
    1,
    -1,
    1e308,
    true,
    null,
    '',
    'x',
    {},
    { 0: 'https://app.example/cb' },
    [],
    [1],
    [null],
    [{}],
    [['https://app.example/cb']],
    ['https://app.example/cb', 2],
  ];
  /** Every client metadata field the server reads: RFC 7591 §2, the OpenID ones oidc-provider knows, and ours. */
  const FIELDS = [
    'redirect_uris',
    'token_endpoint_auth_method',
    'grant_types',
    'response_types',
    'client_name',
    'client_uri',
    'logo_uri',
    'scope',
    'contacts',
    'tos_uri',
    'policy_uri',
    'jwks_uri',
    'jwks',
    'software_id',
    'software_version',
    'application_type',
    'id_token_signed_response_alg',
    'token_endpoint_auth_signing_alg',
    'subject_type',
    'sector_identifier_uri',
    'default_max_age',
    'require_auth_time',
    'default_acr_values',
    'initiate_login_uri',
    'request_uris',
    'client_id',
    'client_secret',
  ] as const;
  /** RFC 7591 §3.2.2's codes, and OAuth's `invalid_request` for a body that is not a JSON object at all. */
  const REGISTRATION_ERRORS = ['invalid_redirect_uri', 'invalid_client_metadata', 'invalid_request'];

  it('issue 16: redirect_uris that is not an array of strings is 400 invalid_redirect_uri', async () => {
    for (const value of [1, true, {}, 'x', -1, 1e308, { a: 1 }, [1], [null], [{}], [['x']]]) {
      const response = await send(JSON.stringify({ redirect_uris: value, token_endpoint_auth_method: 'none' }));
      expect(response.statusCode, JSON.stringify(value)).toBe(400);
      expect(response.json(), JSON.stringify(value)).toMatchObject({
        error: 'invalid_redirect_uri',
        error_description: expect.stringMatching(/redirect_uris/),
      });
    }
  });

  it('issue 16: a wrong type in any metadata field, or a body that is not an object, never answers 5xx', async () => {
    const answers: string[] = [];
    const cases: string[] = [];
    for (const field of FIELDS) {
      for (const value of WRONG_VALUES) {
        const base: Record<string, unknown> = {
          redirect_uris: ['https://app.example/cb'],
          token_endpoint_auth_method: 'none',
        };
        cases.push(JSON.stringify({ ...base, [field]: value }));
      }
    }
    cases.push(
      '[]',
      '1',
      '"x"',
      'null',
      'true',
      '{"__proto__":{"redirect_uris":1}}',
      '{"redirect_uris":["https://app.example/cb"],"constructor":{"prototype":1}}',
    );
    expect(cases).toHaveLength(FIELDS.length * WRONG_VALUES.length + 7);
    for (const payload of cases) {
      const response = await send(payload);
      expect(response.statusCode, payload).toBeLessThan(500);
      if (response.statusCode === 400) expect(REGISTRATION_ERRORS, payload).toContain(response.json().error);
      answers.push(`${response.statusCode}`);
    }
    // Most rows are refused; the ones oidc-provider ignores (unknown or disabled fields) register normally.
    expect(answers.filter((status) => status === '400').length).toBeGreaterThan(cases.length / 2);
  });

  it('issue 16: software_id and software_version must be strings when given', async () => {
    for (const field of ['software_id', 'software_version']) {
      const refused = await send(
        JSON.stringify({ redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none', [field]: {} }),
      );
      expect(refused.statusCode, field).toBe(400);
      expect(refused.json(), field).toMatchObject({
        error: 'invalid_client_metadata',
        error_description: `${field} must be a string`,
      });
    }
    const accepted = await send(
      JSON.stringify({
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
        software_id: 'claude',
        software_version: '1.0',
      }),
    );
    expect(accepted.statusCode).toBe(201);
  });
});
