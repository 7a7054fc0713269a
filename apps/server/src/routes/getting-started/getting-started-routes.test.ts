import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connections } from '../../db/schema.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// Issue 17: the Getting started checklist is ticked from what the gateway stored, over the real HTTP API.
let gateway: AiTestGateway;

beforeAll(async () => {
  gateway = await startAiTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});

async function checklist(user: AiTestUser) {
  const response = await gateway.sessionRequest(user, 'GET', '/api/getting-started');
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return response.json();
}

describe('issue 17: Getting started', () => {
  it('issue 17: each step ticks when it really happened: provider, key, a Playground answer, a program using the key', async () => {
    const user = await gateway.addUser({ email: 'newcomer@home.test' });
    // The helper gives every user a key; a newcomer has none.
    const keys = (await (await gateway.sessionRequest(user, 'GET', '/api/keys')).json()) as { keys: { id: string }[] };
    for (const key of keys.keys) await gateway.sessionRequest(user, 'DELETE', `/api/keys/${key.id}`);
    expect(await checklist(user)).toEqual({
      hasProvider: false,
      hasApiKey: false,
      hasTriedPlayground: false,
      hasUsedApiKey: false,
    });

    const saved = await gateway.sessionRequest(user, 'PUT', '/api/credentials/openai', {
      apiKey: 'sk-test-fake-openai-api-key-0000',
      baseUrl: gateway.fakeOpenAi.baseUrl,
    });
    expect(saved.status).toBe(200);
    expect(await checklist(user)).toMatchObject({ hasProvider: true, hasApiKey: false });

    const created = await gateway.sessionRequest(user, 'POST', '/api/keys', { name: 'my app' });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    expect(await checklist(user)).toMatchObject({ hasApiKey: true, hasTriedPlayground: false, hasUsedApiKey: false });

    // A program's request (API key) is not the Playground…
    const fromApp = await fetch(`${gateway.url}/api/ai/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Hi', model: 'openai/gpt-4.1' }),
    });
    expect(fromApp.status).toBe(200);
    expect(await checklist(user)).toMatchObject({ hasTriedPlayground: false, hasUsedApiKey: true });

    // …the settings UI's streamed answer (session) is.
    const streamed = await gateway.sessionRequest(user, 'POST', '/api/ai/stream', {
      content: 'Hi',
      model: 'openai/gpt-4.1',
    });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('event: done');
    expect(await checklist(user)).toEqual({
      hasProvider: true,
      hasApiKey: true,
      hasTriedPlayground: true,
      hasUsedApiKey: true,
    });
  });

  it('issue 17: a connection that needs signing in again does not count as connected', async () => {
    const user = await gateway.addUser({ email: 'lapsed@home.test', chatgptAccount: 'bob@example.com' });
    expect(await checklist(user)).toMatchObject({ hasProvider: true });
    await gateway.test.db
      .update(connections)
      .set({ state: 'reconnect_required' })
      .where(eq(connections.userId, user.userId));
    expect(await checklist(user)).toMatchObject({ hasProvider: false });
  });

  it('issue 17: a program without credentials is told to send a gateway API key', async () => {
    const response = await fetch(`${gateway.url}/api/ai/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Hi' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        code: 'unauthenticated',
        message: 'Send a gateway API key as "Authorization: Bearer gwk_…" (create one under Settings → API keys).',
      },
    });
    // A browser whose session cookie ran out is still told to sign in again.
    const stale = await fetch(`${gateway.url}/api/ai/models`, { headers: { cookie: 'pag_session=stale' } });
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(/sign in again/);
  });
});
