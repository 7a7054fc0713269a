import Anthropic from '@anthropic-ai/sdk';
import { FAKE_CODEX_REPLY_TEXT } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// Model aliases: the table a user edits in the settings UI (session + CSRF), and Claude Code's hard-coded names
// reaching the gateway model they stand for on /v1/messages and count_tokens.
let gateway: AiTestGateway;
let user: AiTestUser;
let other: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'aliases@home.test', chatgptAccount: 'alice@example.com' });
  other = await gateway.addUser({ email: 'other@home.test', chatgptAccount: 'bob@example.com' });
});
afterAll(async () => {
  await gateway?.close();
});

const ALIASES = [
  { pattern: 'claude-sonnet-*', target: 'chatgpt/gpt-5.5' },
  { pattern: 'claude-haiku-*', target: 'chatgpt/gpt-5.4-mini' },
  { pattern: 'claude-opus-4-1', target: 'chatgpt/gpt-5.4' },
];

function lastCodexModel(): unknown {
  return (gateway.fakeCodex.exchanges.at(-1)?.request?.json as { model?: unknown } | undefined)?.model;
}

describe('/api/model-aliases', () => {
  it('issue 20: saves the table in order, reads it back, and keeps users apart', async () => {
    const empty = await gateway.sessionRequest(user, 'GET', '/api/model-aliases');
    expect(await empty.json()).toEqual({ aliases: [] });
    const saved = await gateway.sessionRequest(user, 'PUT', '/api/model-aliases', { aliases: ALIASES });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ aliases: ALIASES });
    const read = await gateway.sessionRequest(user, 'GET', '/api/model-aliases');
    expect(await read.json()).toEqual({ aliases: ALIASES });
    const theirs = await gateway.sessionRequest(other, 'GET', '/api/model-aliases');
    expect(await theirs.json()).toEqual({ aliases: [] });
  });

  it.each([
    ['a target that is not a gateway id', [{ pattern: 'claude-*', target: 'gpt-5.5' }]],
    ['a star inside the pattern', [{ pattern: 'claude-*-4', target: 'chatgpt/gpt-5.5' }]],
    ['a repeated pattern', [ALIASES[0], ALIASES[0]]],
    ['an empty pattern', [{ pattern: ' ', target: 'chatgpt/gpt-5.5' }]],
  ])('issue 20: refuses %s with a 400', async (_what, aliases) => {
    const response = await gateway.sessionRequest(user, 'PUT', '/api/model-aliases', { aliases });
    expect(response.status).toBe(400);
  });

  it('issue 20: is refused to an API key, and a write without the CSRF token', async () => {
    const withKey = await fetch(`${gateway.url}/api/model-aliases`, {
      headers: { authorization: `Bearer ${user.apiKey}` },
    });
    expect(withKey.status).toBe(403);
    const noCsrf = await fetch(`${gateway.url}/api/model-aliases`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: user.session.cookie, origin: gateway.url },
      body: JSON.stringify({ aliases: ALIASES }),
    });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
  });
});

describe('aliases on /v1/messages', () => {
  function client() {
    return new Anthropic({ apiKey: user.apiKey, baseURL: gateway.url, maxRetries: 0 });
  }

  it('issue 20: sends a hard-coded Claude name to the gateway model its alias names', async () => {
    await gateway.sessionRequest(user, 'PUT', '/api/model-aliases', { aliases: ALIASES });
    gateway.fakeCodex.enqueueScenarios('text', 'text', 'text');
    const sonnet = await client().messages.create({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(sonnet.model).toBe('chatgpt/gpt-5.5');
    expect(sonnet.content).toEqual([{ type: 'text', text: FAKE_CODEX_REPLY_TEXT }]);
    expect(lastCodexModel()).toBe('gpt-5.5');
    await client().messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(lastCodexModel()).toBe('gpt-5.4-mini');
    await client().messages.create({
      model: 'claude-opus-4-1',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(lastCodexModel()).toBe('gpt-5.4');
  });

  it('issue 20: counts tokens for an aliased name, and a name without alias stays what it was', async () => {
    await gateway.sessionRequest(user, 'PUT', '/api/model-aliases', { aliases: ALIASES });
    const count = await client().messages.countTokens({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(count.input_tokens).toBeGreaterThan(0);
    gateway.fakeCodex.enqueueScenarios('text');
    await client().messages.create({
      model: 'chatgpt/gpt-5.4',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(lastCodexModel()).toBe('gpt-5.4');
  });

  it('issue 20: "*" catches every other name once it is saved', async () => {
    await gateway.sessionRequest(user, 'PUT', '/api/model-aliases', {
      aliases: [...ALIASES, { pattern: '*', target: 'chatgpt/gpt-5.4' }],
    });
    gateway.fakeCodex.enqueueScenarios('text');
    const answer = await client().messages.create({
      model: 'claude-3-7-sonnet-latest',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(answer.model).toBe('chatgpt/gpt-5.4');
  });
});
