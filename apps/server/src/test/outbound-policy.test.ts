import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { DEFAULT_FAKE_OPENAI_API_KEY } from '@pag/testkit';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { saveApiCredential } from '../domain/credentials/save-api-credential.ts';
import type { ResolveHost } from '../domain/outbound/outbound-policy.ts';
import { signIn, TEST_PASSWORD } from './build-test-app.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 16, failure 1: any user could make the gateway call an internal service through an OpenAI-compatible key's
// base URL (on save, and on every relayed request), and read its error bodies. The outbound policy
// (domain/outbound) refuses private addresses and plain http unless an admin allows them, on save and at connect
// time; upstream error bodies reach users only as a status and a cleaned summary.

/** A loopback listener that counts the connections it gets and closes each at once: proof nothing reached it. */
type ConnectionCounter = { port: number; connections: () => number; close: () => Promise<void> };

async function startConnectionCounter(): Promise<ConnectionCounter> {
  let connections = 0;
  const servers: TcpServer[] = [];
  const listen = (host: string, port: number) =>
    new Promise<TcpServer>((resolve, reject) => {
      const server = createTcpServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  const ipv4 = await listen('127.0.0.1', 0);
  servers.push(ipv4);
  const { port } = ipv4.address() as { port: number };
  // The same port on ::1 too, so `[::1]` and `localhost` (which may resolve to ::1 first) would be counted.
  await listen('::1', port).then(
    (server) => servers.push(server),
    () => undefined,
  );
  return {
    port,
    connections: () => connections,
    close: () =>
      Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(
        () => undefined,
      ),
  };
}

/** Host names the gateway resolves in these tests, as a rebinding attacker's DNS would answer them. */
const DNS: Record<string, string> = {
  'rebind.attacker.test': '127.0.0.1',
  'metadata.attacker.test': '169.254.169.254',
  'mapped.attacker.test': '::ffff:10.0.0.1',
  'fake-openai.home.test': '127.0.0.1',
};
const resolveForTests: ResolveHost = async (hostname) => {
  const address = DNS[hostname];
  if (address == null) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

let gateway: AiTestGateway;
let counter: ConnectionCounter;
let member: AiTestUser;
let admin: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway({
    environment: { GATEWAY_ALLOW_PRIVATE_UPSTREAMS: 'false' },
    upstreamResolve: resolveForTests,
  });
  counter = await startConnectionCounter();
  member = await gateway.addUser({ email: 'member@home.test' });
  const adminUser = await createUser(gateway.test.connections, {
    email: 'admin@home.test',
    password: TEST_PASSWORD,
    isAdmin: true,
  });
  const session = await signIn(gateway.test, {
    email: 'admin@home.test',
    userId: adminUser.id,
    remoteAddress: '127.0.9.9',
  });
  admin = { ...member, userId: adminUser.id, email: 'admin@home.test', session };
});
afterAll(async () => {
  await gateway?.close();
  await counter?.close();
});

let calls = 0;

/**
 * A session request through `inject`, each from its own loopback address: saving a key is rate limited per
 * address (10 a minute), and these tests save more often than that.
 */
async function call(user: AiTestUser, method: 'GET' | 'PUT' | 'PATCH', path: string, body?: unknown) {
  calls += 1;
  const response = await gateway.test.app.inject({
    method,
    url: path,
    headers: { cookie: user.session.cookie, 'x-csrf-token': user.session.csrfToken },
    remoteAddress: `127.1.${Math.floor(calls / 250)}.${(calls % 250) + 2}`,
    ...(body == null ? {} : { payload: body as Record<string, unknown> }),
  });
  const text = response.body;
  return { status: response.statusCode, text, json: text === '' ? null : JSON.parse(text) };
}

async function setAllowPrivate(allowPrivateUpstreams: boolean) {
  const answer = await call(admin, 'PATCH', '/api/admin/operator-settings', { allowPrivateUpstreams });
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({ allowPrivateUpstreams });
}

function saveOpenAiKey(user: AiTestUser, baseUrl: string, apiKey = DEFAULT_FAKE_OPENAI_API_KEY) {
  return call(user, 'PUT', '/api/credentials/openai', { apiKey, baseUrl });
}

describe('issue 16: the outbound policy on saving a base URL', () => {
  it.each([
    ['http://127.0.0.1:{port}/anything?x=', /plain http/],
    ['http://0.0.0.0:{port}/v1', /plain http/],
    ['http://169.254.169.254/latest/meta-data', /plain http/],
    ['http://[::1]:{port}/v1', /plain http/],
    ['http://localhost:{port}/v1', /plain http/],
    ['https://127.0.0.1:{port}/v1', /127\.0\.0\.1 is a loopback address/],
    ['https://0.0.0.0:{port}/v1', /0\.0\.0\.0 is an unspecified address/],
    ['https://[::1]:{port}/v1', /::1 is a loopback address/],
    ['https://[::ffff:127.0.0.1]:{port}/v1', /::ffff:7f00:1 is a loopback address/],
    ['https://10.1.2.3:{port}/v1', /private-network address/],
    ['https://100.64.0.1:{port}/v1', /carrier-grade NAT/],
    ['https://[fd12::1]:{port}/v1', /unique-local/],
    ['https://169.254.169.254/latest/meta-data', /cloud instance-metadata address/],
    ['https://rebind.attacker.test:{port}/v1', /rebind\.attacker\.test resolves to 127\.0\.0\.1, a loopback address/],
    ['https://mapped.attacker.test:{port}/v1', /private-network address/],
  ])('issue 16: a member saving %s gets a 400 naming the rule, and nothing is contacted', async (template, rule) => {
    const before = counter.connections();
    const answer = await saveOpenAiKey(member, template.replace('{port}', String(counter.port)));
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('upstream_address_refused');
    expect(answer.json.error.message).toMatch(rule);
    if (!/metadata/.test(answer.json.error.message)) {
      expect(answer.json.error.message).toContain('An admin of this gateway can allow private upstreams');
    }
    expect(counter.connections()).toBe(before);
    expect((await call(member, 'GET', '/api/credentials')).json.credentials).toEqual([]);
  });

  it('issue 16: members cannot change the operator settings', async () => {
    const answer = await call(member, 'PATCH', '/api/admin/operator-settings', { allowPrivateUpstreams: true });
    expect(answer.status).toBe(403);
    expect(answer.json.error.message).toMatch(/Only an admin/);
  });

  it('issue 16: once an admin allows private upstreams the same save works against a local server', async () => {
    const refused = await saveOpenAiKey(member, gateway.fakeOpenAi.baseUrl);
    expect(refused.status).toBe(400);
    await setAllowPrivate(true);
    try {
      const saved = await saveOpenAiKey(member, gateway.fakeOpenAi.baseUrl);
      expect(saved.status).toBe(200);
      // A host name that resolves to loopback is allowed the same way, and really connects there.
      const byName = await saveOpenAiKey(
        member,
        gateway.fakeOpenAi.baseUrl.replace('127.0.0.1', 'fake-openai.home.test'),
      );
      expect(byName.status).toBe(200);
      // Cloud metadata stays refused whatever the setting.
      const metadata = await saveOpenAiKey(member, `http://metadata.attacker.test:${counter.port}/v1`);
      expect(metadata.status).toBe(400);
      expect(metadata.json.error.message).toMatch(/metadata/);
      expect(counter.connections()).toBe(0);
    } finally {
      await setAllowPrivate(false);
    }
    const audit = await gateway.test.db
      .select({ userId: auditLog.userId, detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, 'operator_settings.changed'))
      .orderBy(asc(auditLog.id));
    expect(audit.map((row) => [row.userId, row.detail])).toEqual([
      [admin.userId, { allowPrivateUpstreams: true }],
      [admin.userId, { allowPrivateUpstreams: false }],
    ]);
  });
});

describe('issue 16: the outbound policy at connect time (DNS rebinding)', () => {
  let rebound: AiTestUser;

  beforeAll(async () => {
    rebound = await gateway.addUser({ email: 'rebound@home.test' });
    // Saved while the name led to a public address (the save-time check passed then); it now resolves to loopback.
    await saveApiCredential(gateway.test.connections, {
      userId: rebound.userId,
      provider: 'openai',
      apiKey: DEFAULT_FAKE_OPENAI_API_KEY,
      baseUrl: `https://rebind.attacker.test:${counter.port}/v1`,
      validate: async () => {},
    });
  });

  it('issue 16: a relayed /v1/chat/completions to a name that now resolves to loopback is refused', async () => {
    const before = counter.connections();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rebound.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(400);
    expect(body.error.code).toBe('upstream_address_refused');
    expect(body.error.message).toMatch(/rebind\.attacker\.test resolves to 127\.0\.0\.1, a loopback address/);
    expect(counter.connections()).toBe(before);
  });

  it('issue 16: the note-app API (AI SDK transport) is refused the same way', async () => {
    const before = counter.connections();
    const response = await fetch(`${gateway.url}/api/ai/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rebound.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(400);
    expect(body.error.code).toBe('upstream_address_refused');
    expect(counter.connections()).toBe(before);
  });
});

describe('issue 16: upstream error bodies never reach a user verbatim', () => {
  const SECRET = 'INTERNAL-ADMIN-TOKEN-7f3e9c1d';
  let upstream: HttpServer;
  let upstreamUrl: string;
  let user: AiTestUser;

  beforeAll(async () => {
    // An internal service behind an allowed private address: a model list, then failures whose bodies hold secrets.
    upstream = createHttpServer((request, response) => {
      if (request.url === '/v1/models' && request.headers.authorization === 'Bearer sk-good') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4.1', object: 'model' }] }));
        return;
      }
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`Traceback (most recent call last):\n  db_password=${SECRET}\n`);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/v1`;
    user = await gateway.addUser({ email: 'errors@home.test' });
    await setAllowPrivate(true);
  });
  afterAll(async () => {
    await setAllowPrivate(false);
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('issue 16: a key check answered 500 with a secret-looking body says only the status', async () => {
    const answer = await saveOpenAiKey(user, upstreamUrl, 'sk-wrong');
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('invalid_upstream_key');
    expect(answer.json.error.message).toMatch(/500/);
    expect(answer.text).not.toContain(SECRET);
    expect(answer.text).not.toContain('Traceback');
  });

  it('issue 16: a relayed chat answered 500 with a secret-looking body says only the status', async () => {
    expect((await saveOpenAiKey(user, upstreamUrl, 'sk-good')).status).toBe(200);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(text).toMatch(/500/);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('Traceback');
  });
});
