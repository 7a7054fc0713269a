import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../domain/accounts/revoke-api-key.ts';
import { type AiTestGateway, FAKE_OPENAI_KEYS, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';
import { saveApiCredential } from '../credentials/save-api-credential.ts';

// The gateway reuses the chat model built for a saved OpenAI-compatible key (building one is most of a request's
// own cost). These prove the reuse never outlives the key: a replaced or removed key, or a revoked gateway key,
// takes effect on the very next request — whether it changed through the settings API or straight in the database
// (the CLI, another process), which the in-process cache never hears about.
let gateway: AiTestGateway;
beforeAll(async () => {
  gateway = await startAiTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeOpenAi.reset();
});

async function chat(apiKey: string): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(10_000),
  });
}

/** The bearer key the fake OpenAI API saw on the last chat completion. */
function lastUpstreamKey(): string | undefined {
  const posts = gateway.fakeOpenAi.requests.filter((request) => request.path.endsWith('/chat/completions'));
  return posts.at(-1)?.headers.authorization?.replace(/^Bearer /, '');
}

describe('reused chat models of saved API keys', () => {
  it('should call the upstream with a key replaced through the settings API from the next request on', async () => {
    const user = await gateway.addUser({ email: 'replace@home.test', openaiKey: FAKE_OPENAI_KEYS[0] });
    expect((await chat(user.apiKey)).status).toBe(200);
    expect((await chat(user.apiKey)).status).toBe(200);
    expect(lastUpstreamKey()).toBe(FAKE_OPENAI_KEYS[0]);

    const saved = await gateway.sessionRequest(user, 'PUT', '/api/credentials/openai', {
      apiKey: FAKE_OPENAI_KEYS[1],
      baseUrl: gateway.fakeOpenAi.baseUrl,
    });
    expect(saved.status).toBe(200);

    expect((await chat(user.apiKey)).status).toBe(200);
    expect(lastUpstreamKey()).toBe(FAKE_OPENAI_KEYS[1]);
  });

  it('should use a key changed directly in the database, which no cache invalidation hears about', async () => {
    const user = await gateway.addUser({ email: 'cli@home.test', openaiKey: FAKE_OPENAI_KEYS[0] });
    expect((await chat(user.apiKey)).status).toBe(200);
    expect(lastUpstreamKey()).toBe(FAKE_OPENAI_KEYS[0]);

    await saveApiCredential(gateway.test.connections, {
      userId: user.userId,
      provider: 'openai',
      apiKey: FAKE_OPENAI_KEYS[2] ?? '',
      baseUrl: gateway.fakeOpenAi.baseUrl,
      validate: async () => {},
    });

    expect((await chat(user.apiKey)).status).toBe(200);
    expect(lastUpstreamKey()).toBe(FAKE_OPENAI_KEYS[2]);
  });

  it('should stop answering with a removed key at once', async () => {
    const user = await gateway.addUser({ email: 'remove@home.test', openaiKey: FAKE_OPENAI_KEYS[0] });
    expect((await chat(user.apiKey)).status).toBe(200);
    const before = gateway.fakeOpenAi.requests.length;

    const removed = await gateway.sessionRequest(user, 'DELETE', '/api/credentials/openai');
    expect(removed.status).toBe(204);

    const response = await chat(user.apiKey);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'no_provider' } });
    expect(gateway.fakeOpenAi.requests.length).toBe(before);
  });

  it('should refuse a revoked gateway API key on its next request', async () => {
    const user = await gateway.addUser({ email: 'revoke@home.test', openaiKey: FAKE_OPENAI_KEYS[0] });
    expect((await chat(user.apiKey)).status).toBe(200);
    const keyId = /^gwk_([a-z0-9]{12})_/.exec(user.apiKey)?.[1] ?? '';

    await revokeApiKey(gateway.test.connections, { userId: user.userId, keyId });

    const response = await chat(user.apiKey);
    expect(response.status).toBe(401);
  });
});
