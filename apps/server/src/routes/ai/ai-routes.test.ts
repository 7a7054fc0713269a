import { FAKE_CODEX_REASONING_TEXT, FAKE_CODEX_REPLY_TEXT } from '@pag/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connections } from '../../db/schema.ts';
import { BUILTIN_FEATURE_PROMPTS } from '../../domain/features/builtin-features.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// The note-app routes through app.inject(); upstreams are the strict fakes on loopback.
let gateway: AiTestGateway;
let owner: AiTestUser;
let keyless: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  owner = await gateway.addUser({
    email: 'owner@home.test',
    chatgptAccount: 'alice@example.com',
    openaiKey: 'sk-test-fake-openai-api-key-0000',
    geminiKey: 'AIzaSyTestBob0000000000000000000000001',
  });
  keyless = await gateway.addUser({ email: 'nobody@home.test' });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  gateway.fakeOpenAi.reset();
  gateway.fakeGemini.reset();
});

function post(path: '/api/ai/chat' | '/api/ai/stream', payload: unknown, user: AiTestUser | null = owner) {
  return gateway.test.app.inject({
    method: 'POST',
    url: path,
    headers: user == null ? {} : { authorization: `Bearer ${user.apiKey}` },
    payload: payload as object,
  });
}

/** Parses an SSE body into `{ event, data }` pairs; comment lines are kept as `event: ':'`. */
function readEvents(body: string): { event: string; data: Record<string, unknown> }[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? ':';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
      return { event, data: data == null ? {} : (JSON.parse(data) as Record<string, unknown>) };
    });
}

function lastCodexBody(): Record<string, unknown> {
  return gateway.fakeCodex.exchanges.at(-1)?.request?.json as Record<string, unknown>;
}

function inputTexts(body: Record<string, unknown>): string {
  return JSON.stringify(body.input) + JSON.stringify(body.instructions ?? '');
}

describe('request validation', () => {
  it.each([
    [{}, /content.*give either "content" or "messages"/],
    [{ content: 'a', messages: [{ role: 'user', content: 'b' }] }, /give "content" or "messages", not both/],
    [{ content: '' }, /content.*must not be empty/],
    [{ messages: [] }, /messages.*at least one message/],
    [{ messages: [{ role: 'robot', content: 'x' }] }, /messages\.0\.role/],
    [{ content: 'x', feature: 'poem' }, /feature/],
    [{ content: 'x', reasoning: { effort: 'extreme' } }, /reasoning\.effort/],
    [{ content: 'x', conversationId: 'has spaces' }, /conversationId.*letters, digits/],
  ])('should answer 400 with a message that says what to fix for %j', async (payload, message) => {
    for (const path of ['/api/ai/chat', '/api/ai/stream'] as const) {
      const response = await post(path, payload);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.message).toMatch(message);
    }
    expect(gateway.fakeCodex.exchanges).toHaveLength(0);
  });

  it('should refuse a request without a gateway API key or session', async () => {
    const response = await post('/api/ai/chat', { content: 'hi' }, null);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthenticated');
  });

  it('should say which model ids exist when the model is unknown', async () => {
    const response = await post('/api/ai/chat', { content: 'hi', model: 'gpt-99' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 'model_not_found' });
    expect(response.json().error.message).toMatch(/Unknown model "gpt-99".*chatgpt\/gpt-5\.5/);
  });

  it('should say to connect something when the user has no provider', async () => {
    const response = await post('/api/ai/chat', { content: 'hi' }, keyless);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('no_provider');
    const explicit = await post('/api/ai/chat', { content: 'hi', model: 'gemini/gemini-3.5-flash' }, keyless);
    expect(explicit.statusCode).toBe(409);
    expect(explicit.json().error.message).toMatch(/gemini provider, which is not connected/);
  });
});

describe('POST /api/ai/stream', () => {
  it('should send SSE that proxies do not buffer: deltas, then done', async () => {
    const response = await post('/api/ai/stream', { content: 'Hello', model: 'chatgpt/gpt-5.5' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['x-accel-buffering']).toBe('no');
    expect(response.headers['cache-control']).toContain('no-cache');
    expect(response.headers['x-gateway-provider']).toBe('chatgpt');
    const events = readEvents(response.body);
    expect(events.map((event) => event.event)).toEqual(['delta', 'delta', 'delta', 'done']);
    expect(events.map((event) => event.data.text ?? '').join('')).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(events[3]?.data).toMatchObject({ type: 'done', provider: 'chatgpt', model: 'chatgpt/gpt-5.5' });
  });

  it('should stream the reasoning summary before the text, and pass the reasoning effort upstream', async () => {
    gateway.fakeCodex.enqueueScenarios('reasoning-text');
    const response = await post('/api/ai/stream', {
      content: 'Hi',
      model: 'chatgpt/gpt-5.5',
      reasoning: { effort: 'high' },
    });
    const events = readEvents(response.body);
    const reasoning = events.filter((event) => event.event === 'reasoning').map((event) => event.data.text);
    expect(reasoning.join('')).toBe(FAKE_CODEX_REASONING_TEXT);
    expect(events.findIndex((event) => event.event === 'reasoning')).toBeLessThan(
      events.findIndex((event) => event.event === 'delta'),
    );
    expect(lastCodexBody().reasoning).toMatchObject({ effort: 'high' });
  });

  it('should end with an error event (and no done) when the upstream drops after output started', async () => {
    gateway.fakeCodex.enqueueScenarios('disconnect');
    const response = await post('/api/ai/stream', { content: 'Hi', model: 'chatgpt/gpt-5.5' });
    expect(response.statusCode).toBe(200);
    const events = readEvents(response.body);
    expect(events[0]?.event).toBe('delta');
    expect(events.at(-1)?.event).toBe('error');
    expect(events.at(-1)?.data).toMatchObject({ type: 'error', code: 'upstream_unavailable' });
    expect(events.some((event) => event.event === 'done')).toBe(false);
  });

  it('should answer a plain HTTP error when the upstream refuses before any output', async () => {
    gateway.fakeCodex.enqueueScenarios('error-event');
    const response = await post('/api/ai/stream', { content: 'Hi', model: 'chatgpt/gpt-5.5' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json().error).toMatchObject({ code: 'invalid_request' });
    expect(response.json().error.message).toMatch(/context window/);
  });

  it('should tell the client to retry later when the backend is overloaded', async () => {
    gateway.fakeCodex.setDefaultScenario('overloaded');
    const response = await post('/api/ai/chat', { content: 'Hi', model: 'chatgpt/gpt-5.5' });
    // 502: the gateway is fine, the server behind it is not; Retry-After carries the hint either way.
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('upstream_unavailable');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('should ask to reconnect when the subscription needs it (and fallback is off)', async () => {
    const [connection] = await gateway.test.db
      .select()
      .from(connections)
      .where(eq(connections.userId, owner.userId))
      .limit(1);
    await gateway.test.db
      .update(connections)
      .set({ state: 'reconnect_required' })
      .where(eq(connections.userId, owner.userId));
    try {
      const response = await post('/api/ai/chat', { content: 'Hi', model: 'chatgpt/gpt-5.5' });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('reconnect_required');
      expect(gateway.fakeCodex.exchanges).toHaveLength(0);
    } finally {
      await gateway.test.db
        .update(connections)
        .set({ state: connection?.state ?? 'connected' })
        .where(eq(connections.userId, owner.userId));
    }
  });
});

describe('POST /api/ai/chat', () => {
  it('should route explicit provider/model ids to each provider', async () => {
    const viaOpenAi = await post('/api/ai/chat', { content: 'Hi', model: 'openai/gpt-4.1' });
    expect(viaOpenAi.statusCode, viaOpenAi.body).toBe(200);
    expect(viaOpenAi.json()).toMatchObject({ provider: 'openai', model: 'openai/gpt-4.1', finishReason: 'stop' });
    const viaGemini = await post('/api/ai/chat', { content: 'Hi', model: 'gemini/gemini-3.5-flash' });
    expect(viaGemini.statusCode, viaGemini.body).toBe(200);
    expect(viaGemini.json()).toMatchObject({ provider: 'gemini', model: 'gemini/gemini-3.5-flash' });
    const bare = await post('/api/ai/chat', { content: 'Hi', model: 'gemini-2.5-flash' });
    expect(bare.json()).toMatchObject({ provider: 'gemini', model: 'gemini/gemini-2.5-flash' });
    expect(gateway.fakeCodex.exchanges).toHaveLength(0);
  });

  it('should prefer the subscription when no model is named', async () => {
    const response = await post('/api/ai/chat', { content: 'Hi' });
    expect(response.json().provider).toBe('chatgpt');
  });

  it('should apply a feature prompt, and a user-edited one', async () => {
    await post('/api/ai/chat', { feature: 'summarize', content: 'Met Ana; decided to ship on Friday.' });
    expect(inputTexts(lastCodexBody())).toContain(BUILTIN_FEATURE_PROMPTS.summarize.slice(0, 40));
    expect(inputTexts(lastCodexBody())).toContain('decided to ship on Friday');

    const edited = await gateway.sessionRequest(owner, 'PUT', '/api/ai/features/summarize', {
      prompt: 'Summarize in exactly one line, like a pirate.',
      model: 'chatgpt/gpt-5.4',
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ name: 'summarize', isCustomized: true, model: 'chatgpt/gpt-5.4' });
    const answer = await post('/api/ai/chat', { feature: 'summarize', content: 'Met Ana.' });
    expect(answer.json().model).toBe('chatgpt/gpt-5.4');
    expect(inputTexts(lastCodexBody())).toContain('like a pirate');
    expect(inputTexts(lastCodexBody())).not.toContain(BUILTIN_FEATURE_PROMPTS.summarize.slice(0, 40));

    // A request's own model and system prompt win over the feature's.
    const own = await post('/api/ai/chat', {
      feature: 'summarize',
      content: 'Met Ana.',
      model: 'chatgpt/gpt-5.5',
      system: 'Answer in French.',
    });
    expect(own.json().model).toBe('chatgpt/gpt-5.5');
    expect(inputTexts(lastCodexBody())).toContain('Answer in French.');
    expect(inputTexts(lastCodexBody())).not.toContain('like a pirate');

    const reset = await gateway.sessionRequest(owner, 'PUT', '/api/ai/features/summarize', {
      prompt: null,
      model: null,
    });
    expect(await reset.json()).toMatchObject({ isCustomized: false, prompt: BUILTIN_FEATURE_PROMPTS.summarize });
  });
});

describe('GET /api/ai/models', () => {
  it('should merge the visible models of every connected provider, subscription first', async () => {
    const response = await gateway.test.app.inject({
      method: 'GET',
      url: '/api/ai/models',
      headers: { authorization: `Bearer ${owner.apiKey}` },
    });
    expect(response.statusCode).toBe(200);
    const ids = (response.json().models as { id: string }[]).map((model) => model.id);
    expect(ids[0]?.startsWith('chatgpt/')).toBe(true);
    expect(ids).toContain('chatgpt/gpt-5.5');
    expect(ids).not.toContain('chatgpt/codex-auto-review');
    expect(ids).toContain('openai/gpt-4.1');
    expect(ids).toContain('gemini/gemini-3.5-flash');
    expect(ids.filter((id) => id.includes('embedding'))).toEqual([]);
  });
});
