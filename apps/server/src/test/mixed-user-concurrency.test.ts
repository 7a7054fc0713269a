import { randomUUID } from 'node:crypto';
import type { RecordedRequest } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AiTestGateway,
  type AiTestUser,
  FAKE_GEMINI_KEYS,
  FAKE_OPENAI_KEYS,
  startAiTestGateway,
} from './start-ai-test-gateway.ts';

// Issue 4: the router is built per request and shares nothing between requests. 50 requests of 3 users over 3
// providers run at once; the fakes echo each request's message, so a crossed wire would show as a wrong answer.
const REQUEST_COUNT = 50;

type Profile = { user: AiTestUser; models: string[]; chatgptAccount?: string; openaiKey?: string; geminiKey?: string };

let gateway: AiTestGateway;
let profiles: Profile[];

beforeAll(async () => {
  gateway = await startAiTestGateway({ shouldEcho: true });
  const alice = { chatgptAccount: 'alice@example.com', geminiKey: FAKE_GEMINI_KEYS[0] };
  const bob = { chatgptAccount: 'bob@example.com', openaiKey: FAKE_OPENAI_KEYS[1] };
  const carol = { openaiKey: FAKE_OPENAI_KEYS[2], geminiKey: FAKE_GEMINI_KEYS[2] };
  profiles = [
    {
      ...alice,
      user: await gateway.addUser({ email: 'alice@home.test', ...alice }),
      models: ['chatgpt/gpt-5.5', 'gemini/gemini-3.5-flash'],
    },
    { ...bob, user: await gateway.addUser({ email: 'bob@home.test', ...bob }), models: ['gpt-5.4', 'openai/gpt-4.1'] },
    {
      ...carol,
      user: await gateway.addUser({ email: 'carol@home.test', ...carol }),
      models: ['openai/gpt-4o-mini', 'gemini-2.5-flash'],
    },
  ];
});
afterAll(async () => {
  await gateway?.close();
});

function ownerOf(request: RecordedRequest | undefined): Profile | undefined {
  const text = request?.text ?? '';
  return profiles.find((profile) => text.includes(`from ${profile.user.email} `));
}

describe('issue 4: mixed users, models and providers at once', () => {
  it(`should answer ${REQUEST_COUNT} parallel requests, each to the user who asked, through that user's upstream`, async () => {
    const results = await Promise.all(
      Array.from({ length: REQUEST_COUNT }, async (_, index) => {
        const profile = profiles[index % profiles.length] as Profile;
        const model = profile.models[Math.floor(index / profiles.length) % profile.models.length] as string;
        const content = `request ${index} from ${profile.user.email} nonce ${randomUUID()}`;
        if (index % 2 === 0) {
          const answer = await profile.user.client.chat({ model, content });
          return { profile, model, content, text: answer.content, provider: answer.provider };
        }
        let text = '';
        let provider = '';
        for await (const event of profile.user.client.stream({ model, content })) {
          if (event.type === 'delta') text += event.text;
          if (event.type === 'done') provider = event.provider;
          if (event.type === 'error') throw new Error(`request ${index}: ${event.code} ${event.message}`);
        }
        return { profile, model, content, text, provider };
      }),
    );

    for (const result of results) {
      expect(result.text).toBe(`echo: ${result.content}`);
      const expectedProvider = result.model.includes('/')
        ? result.model.split('/')[0]
        : result.model.startsWith('gpt')
          ? 'chatgpt'
          : 'gemini';
      expect(result.provider).toBe(expectedProvider);
    }

    // Upstream side: every request carried the credentials of the user whose message it carried.
    const accountOf = (email: string | undefined) =>
      gateway.fakeAuth.accounts.find((account) => account.email === email)?.chatgptAccountId;
    for (const exchange of gateway.fakeCodex.exchanges) {
      expect(exchange.status).toBe(200);
      expect(exchange.accountId).toBe(accountOf(ownerOf(exchange.request)?.chatgptAccount));
    }
    const openAiCalls = gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST');
    for (const request of openAiCalls) {
      expect(request.headers.authorization).toBe(`Bearer ${ownerOf(request)?.openaiKey}`);
    }
    const geminiCalls = gateway.fakeGemini.requests.filter((request) => request.method === 'POST');
    for (const request of geminiCalls) {
      expect(request.headers['x-goog-api-key']).toBe(ownerOf(request)?.geminiKey);
    }
    const byProvider = (name: string) => results.filter((result) => result.provider === name).length;
    expect(gateway.fakeCodex.exchanges).toHaveLength(byProvider('chatgpt'));
    expect(openAiCalls).toHaveLength(byProvider('openai'));
    expect(geminiCalls).toHaveLength(byProvider('gemini'));
    expect(byProvider('chatgpt') * byProvider('openai') * byProvider('gemini')).toBeGreaterThan(0);
  });
});
