import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { createCodexChatModel } from './codex/codex-chat-model.ts';
import { createGeminiChatModel } from './gemini/gemini-chat-model.ts';
import { createOpenAiCompatibleChatModel } from './openai/openai-chat-model.ts';
import { checkScenario, runModel } from './test/check-scenario.ts';
import { checkStreamContract } from './test/check-stream-contract.ts';
import { createSseResponse, type SseResponseOptions } from './test/create-sse-response.ts';
import { readFixtureLines } from './test/read-fixture-lines.ts';

// The fake upstreams in @pag/testkit record what they send into __fixtures__/: `<name>.chunks.txt` (one JSON event
// per line) for streams, `<name>.error.json` (`{status, headers, body}`) for failures before the stream. Every
// recording found there is run through the matching adapter: a stream must keep our contract and show what the
// scenario's name promises; a failure must be thrown as the right class. Nothing is imported from testkit (only its
// files are read) and a missing folder just means no cases. Our own fixtures get the same contract check.

const TESTKIT = new URL('../../testkit/src/', import.meta.url);
const OWN = new URL('./', import.meta.url);

type Fixture = { name: string; directory: URL; kind: 'stream' | 'error' };
type Provider = 'codex' | 'openai' | 'gemini';

function listFixtures(directory: URL, accept: (name: string) => boolean = () => true): Fixture[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((file): Fixture[] => {
    const match = /^(.*)\.(chunks\.txt|error\.json)$/.exec(file);
    if (match?.[1] == null || !accept(match[1])) return [];
    return [{ name: match[1], directory, kind: match[2] === 'error.json' ? 'error' : 'stream' }];
  });
}

const isResponsesFixture = (name: string) => name.startsWith('openai-responses-');
const testkitCases: Array<Fixture & { provider: Provider }> = [
  ...listFixtures(new URL('codex-backend/__fixtures__/', TESTKIT)).map((fixture) => ({
    ...fixture,
    provider: 'codex' as const,
  })),
  // The Codex backend speaks the Responses API: the OpenAI fake's Responses recordings fit the same adapter.
  ...listFixtures(new URL('openai-api/__fixtures__/', TESTKIT), isResponsesFixture).map((fixture) => ({
    ...fixture,
    provider: 'codex' as const,
  })),
  ...listFixtures(new URL('openai-api/__fixtures__/', TESTKIT), (name) => !isResponsesFixture(name)).map((fixture) => ({
    ...fixture,
    provider: 'openai' as const,
  })),
  ...listFixtures(new URL('gemini-api/__fixtures__/', TESTKIT)).map((fixture) => ({
    ...fixture,
    provider: 'gemini' as const,
  })),
];
// The Codex fixtures, hand-made ones included, all live with the fake (above).
const ownCases: Array<Fixture & { provider: Provider }> = (['openai', 'gemini'] as const).flatMap((provider) =>
  listFixtures(new URL(`${provider}/__fixtures__/`, OWN)).map((fixture) => ({ ...fixture, provider })),
);

function createResponse(fixture: Fixture & { provider: Provider }): Response {
  if (fixture.kind === 'error') {
    const { status, headers, body } = JSON.parse(
      readFileSync(new URL(`${fixture.name}.error.json`, fixture.directory), 'utf8'),
    ) as { status: number; headers?: Record<string, string>; body: unknown };
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  }
  const isCutOff = /disconnect|error/.test(fixture.name);
  const framing: Record<Provider, SseResponseOptions> = {
    codex: {},
    // Chat completions end with `data: [DONE]`, which the recordings leave out; a cut-off stream has none.
    openai: { withEventNames: false, done: !isCutOff },
    gemini: { withEventNames: false, separator: '\r\n\r\n' },
  };
  return createSseResponse(readFixtureLines(fixture.directory, fixture.name), framing[fixture.provider]);
}

function createModel(fixture: Fixture & { provider: Provider }): LanguageModelV3 {
  // A fresh Response per call: the Codex adapter retries once after a 401.
  const fetch = async () => createResponse(fixture);
  switch (fixture.provider) {
    case 'codex':
      return createCodexChatModel({
        modelId: 'gpt-5.5',
        baseUrl: 'http://fake.invalid/backend-api',
        fetch,
        getCredentials: async () => ({ accessToken: 'access', accountId: 'account' }),
        conversationId: 'conversation',
        originator: 'pag_gateway',
        userAgent: 'pag_gateway/0.1.0',
      });
    case 'openai':
      return createOpenAiCompatibleChatModel({
        baseUrl: 'http://fake.invalid/v1',
        apiKey: 'sk-fake',
        modelId: 'gpt-4o-mini',
        fetch,
        providerName: 'openai',
      });
    case 'gemini':
      return createGeminiChatModel({
        baseUrl: 'http://fake.invalid/v1beta',
        modelId: 'gemini-3.5-flash',
        fetch,
        auth: { apiKey: 'fake-key' },
      });
  }
}

describe('testkit recordings through the adapters', () => {
  it.skipIf(testkitCases.length > 0)('(no testkit recordings yet)', () => {});
  it.each(testkitCases)('$provider adapter: $name ($kind)', async (fixture) => {
    checkScenario(fixture.name, await runModel(createModel(fixture)));
  });
});

describe('our own fixtures keep the contract', () => {
  it.each(ownCases)('$provider adapter: $name', async (fixture) => {
    checkScenario(fixture.name.replace(/^[a-z]+-/, ''), await runModel(createModel(fixture)));
  });
});

describe('checkStreamContract', () => {
  it('should flag broken streams', () => {
    expect(
      checkStreamContract([
        { type: 'stream-start', warnings: [] },
        { type: 'error', error: new Error('early') },
        { type: 'text-delta', id: 'a', delta: 'x' },
      ]),
    ).toEqual([
      '0 finish parts',
      'the last part is not finish',
      'error part at 1 before any output',
      'text-delta at 2 outside its block text:a',
    ]);
  });
});
