import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKeyId } from '../domain/accounts/api-key-format.ts';
import { signInNewUser } from './build-test-app.ts';
import { countDatabaseStatements, type StatementCounter } from './count-database-statements.ts';
import { type AiTestGateway, type AiTestUser, FAKE_OPENAI_KEYS, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 22: what authenticates a key and plans its route is read from memory while nothing it depends on changed,
// and a change made through the settings API is seen by the very next request. The gateway runs in front of the
// testkit's fakes; requests go through inject(), on SQLite (and on PostgreSQL in the PostgreSQL run).

let gateway: AiTestGateway;
let counter: StatementCounter;
let users = 0;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  counter = countDatabaseStatements(gateway.test.config.database);
});
afterAll(async () => {
  counter?.stop();
  await gateway?.close();
});

/** A user of their own for each test (an OpenAI-compatible key saved), so no test sees another's changes. */
async function addUser(): Promise<AiTestUser> {
  users += 1;
  return gateway.addUser({ email: `cache-${users}@home.test`, openaiKey: FAKE_OPENAI_KEYS[0] });
}

function chat(user: AiTestUser, model = 'openai/gpt-4.1'): Promise<LightMyRequestResponse> {
  return gateway.test.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${user.apiKey}` },
    payload: { model, messages: [{ role: 'user', content: 'Hi' }] },
  });
}

function settingsRequest(user: AiTestUser, method: 'PATCH' | 'DELETE', url: string, payload?: object) {
  return gateway.test.app.inject({
    method,
    url,
    headers: { cookie: user.session.cookie, 'x-csrf-token': user.session.csrfToken },
    ...(payload == null ? {} : { payload }),
  });
}

/** The reads one request made, the usage ledger's later write left out. */
async function readsOf(send: () => Promise<LightMyRequestResponse>): Promise<{ status: number; reads: string[] }> {
  await counter.settle();
  counter.reset();
  const response = await send();
  const reads = counter.statements.filter((statement) => /^\s*select/i.test(statement));
  return { status: response.statusCode, reads };
}

const VERSION_READ = /from "cache_version"/;

describe('issue 22: per-request reads cached in memory with exact invalidation', () => {
  it('issue 22: a warm request reads only the cache version; after any change it reads its rows afresh', async () => {
    const user = await addUser();
    expect((await chat(user)).statusCode).toBe(200);
    const warm = await readsOf(() => chat(user));
    expect(warm.status).toBe(200);
    // Without the cache: the key with its user, the settings, the saved keys and both connections.
    expect(warm.reads).toHaveLength(1);
    expect(warm.reads[0]).toMatch(VERSION_READ);

    // Someone else's change empties the cache too: this request reads its key, settings and upstreams again.
    const other = await addUser();
    expect((await settingsRequest(other, 'PATCH', '/api/settings', { fallbackToApiKeys: true })).statusCode).toBe(200);
    const cold = await readsOf(() => chat(user));
    expect(cold.status).toBe(200);
    expect(cold.reads.length).toBeGreaterThanOrEqual(5);
    expect(cold.reads.some((statement) => /from "api_keys"/.test(statement))).toBe(true);
    expect(cold.reads.some((statement) => /from "api_credentials"/.test(statement))).toBe(true);
  });

  it('issue 22: a key revoked through the settings API is refused on its very next request, warm cache or not', async () => {
    const user = await addUser();
    expect((await chat(user)).statusCode).toBe(200);
    expect((await readsOf(() => chat(user))).reads).toHaveLength(1);
    const revoked = await settingsRequest(user, 'DELETE', `/api/keys/${parseApiKeyId(user.apiKey)}`);
    expect(revoked.statusCode).toBe(204);
    const after = await chat(user);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('invalid_api_key');
  });

  it("issue 22: a key's new policy applies to its very next request", async () => {
    const user = await addUser();
    expect((await chat(user)).statusCode).toBe(200);
    expect((await readsOf(() => chat(user))).reads).toHaveLength(1);
    const policy = { allowedModels: ['chatgpt/*'], subscriptionOnly: false, allowedOrigins: [] };
    const changed = await settingsRequest(user, 'PATCH', `/api/keys/${parseApiKeyId(user.apiKey)}`, { policy });
    expect(changed.statusCode).toBe(200);
    const after = await chat(user);
    expect(after.statusCode).toBe(403);
    expect(after.json().error.code).toBe('model_not_allowed');
  });

  it("issue 22: the user's new settings apply to the very next request", async () => {
    const user = await addUser();
    const ask = () =>
      gateway.test.app.inject({
        method: 'POST',
        url: '/api/ai/chat',
        headers: { authorization: `Bearer ${user.apiKey}` },
        payload: { content: 'Hi' },
      });
    expect((await ask()).statusCode).toBe(200);
    expect((await readsOf(ask)).reads).toHaveLength(1);
    const changed = await settingsRequest(user, 'PATCH', '/api/settings', { defaultModel: 'anthropic/claude-opus-4' });
    expect(changed.statusCode).toBe(200);
    // The default now names a provider this user has not connected: the router says so instead of answering.
    const after = await ask();
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('no_provider');
  });

  it('issue 22: a saved key removed through the settings API is gone for the very next request', async () => {
    const user = await addUser();
    expect((await chat(user)).statusCode).toBe(200);
    expect((await readsOf(() => chat(user))).reads).toHaveLength(1);
    expect((await settingsRequest(user, 'DELETE', '/api/credentials/openai')).statusCode).toBe(204);
    const after = await chat(user);
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('no_provider');
  });

  it("issue 22: a user an admin deleted is refused on their key's very next request", async () => {
    const user = await addUser();
    const admin = await signInNewUser(gateway.test, 'cache-admin@home.test', '127.0.9.9');
    expect((await chat(user)).statusCode).toBe(200);
    expect((await readsOf(() => chat(user))).reads).toHaveLength(1);
    const deleted = await gateway.test.app.inject({
      method: 'DELETE',
      url: `/api/admin/users/${user.userId}`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    });
    expect(deleted.statusCode).toBe(204);
    expect((await chat(user)).statusCode).toBe(401);
  });
});
