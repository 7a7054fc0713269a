import { readdirSync, readFileSync } from 'node:fs';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { createCodexChatModel } from './codex/codex-chat-model.ts';
import { createGeminiChatModel } from './gemini/gemini-chat-model.ts';
import { createOpenAiCompatibleChatModel } from './openai/openai-chat-model.ts';
import { runModel } from './test/check-scenario.ts';
import { checkStreamContract } from './test/check-stream-contract.ts';
import { createSseResponse, type SseResponseOptions } from './test/create-sse-response.ts';
import { expectFixtureOutcome } from './test/expect-fixture-outcome.ts';
import {
  type FixtureExpectation,
  type FixtureFile,
  type FixtureProvider,
  readFixtureExpectation,
} from './test/read-fixture-expectation.ts';
import { readFixtureLines } from './test/read-fixture-lines.ts';

// The fake upstreams in @pag/testkit record what they send into __fixtures__/: `<name>.chunks.txt` (one JSON event
// per line) for streams, `<name>.error.json` (`{status, headers, body}`) for failures before the stream. Every
// recording found there is run through the matching adapter, and what the adapter must produce is read from the
// recording itself (test/read-fixture-expectation.ts): its text, reasoning, tool calls, how it ends, its error.
// Nothing is imported from testkit (only its files are read). Our own fixtures get the same check. Each folder's
// number of recordings is pinned, so a moved or emptied folder fails here instead of making zero cases.

const TESTKIT = new URL('../../testkit/src/', import.meta.url);
const OWN = new URL('./', import.meta.url);

type Fixture = FixtureFile;

function listFixtures(directory: URL, provider: FixtureProvider, accept: (name: string) => boolean = () => true) {
  // readdirSync throws on a missing folder: no silent "no cases".
  return readdirSync(directory).flatMap((file): Fixture[] => {
    const match = /^(.*)\.(chunks\.txt|error\.json)$/.exec(file);
    if (match?.[1] == null || !accept(match[1])) return [];
    return [{ name: match[1], directory, kind: match[2] === 'error.json' ? 'error' : 'stream', provider }];
  });
}

const isResponsesFixture = (name: string) => name.startsWith('openai-responses-');
const FOLDERS = {
  'testkit codex-backend': listFixtures(new URL('codex-backend/__fixtures__/', TESTKIT), 'codex'),
  // The Codex backend speaks the Responses API: the OpenAI fake's Responses recordings fit the same adapter.
  'testkit openai-api (Responses)': listFixtures(
    new URL('openai-api/__fixtures__/', TESTKIT),
    'codex',
    isResponsesFixture,
  ),
  'testkit openai-api (chat)': listFixtures(
    new URL('openai-api/__fixtures__/', TESTKIT),
    'openai',
    (name) => !isResponsesFixture(name),
  ),
  'testkit gemini-api': listFixtures(new URL('gemini-api/__fixtures__/', TESTKIT), 'gemini'),
  // The Codex fixtures, hand-made ones included, all live with the fake (above).
  'providers openai': listFixtures(new URL('openai/__fixtures__/', OWN), 'openai'),
  'providers gemini': listFixtures(new URL('gemini/__fixtures__/', OWN), 'gemini'),
};
/** How many recordings each folder holds; change it with the recordings. */
const EXPECTED_COUNTS: Readonly<Record<keyof typeof FOLDERS, number>> = {
  'testkit codex-backend': 36,
  'testkit openai-api (Responses)': 8,
  'testkit openai-api (chat)': 8,
  'testkit gemini-api': 9,
  'providers openai': 10,
  'providers gemini': 11,
};
const cases = Object.entries(FOLDERS).flatMap(([folder, fixtures]) =>
  fixtures.map((fixture) => ({ ...fixture, folder, expected: readFixtureExpectation(fixture) })),
);

function createResponse(fixture: Fixture & { expected: FixtureExpectation }): Response {
  if (fixture.kind === 'error') {
    const { status, headers, body } = JSON.parse(
      readFileSync(new URL(`${fixture.name}.error.json`, fixture.directory), 'utf8'),
    ) as { status: number; headers?: Record<string, string>; body: unknown };
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  }
  const isComplete = fixture.expected.outcome === 'stream' && fixture.expected.isComplete;
  const framing: Record<FixtureProvider, SseResponseOptions> = {
    codex: {},
    // Chat completions end with `data: [DONE]`, which the recordings leave out; a cut-off stream has none.
    openai: { withEventNames: false, done: isComplete },
    gemini: { withEventNames: false, separator: '\r\n\r\n' },
  };
  return createSseResponse(readFixtureLines(fixture.directory, fixture.name), framing[fixture.provider]);
}

function createModel(fixture: Fixture & { expected: FixtureExpectation }): LanguageModelV3 {
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

describe('issue 16: every recording through its adapter, expectations read from the recording', () => {
  it('issue 16: finds exactly the recordings each folder holds', () => {
    expect(Object.fromEntries(Object.entries(FOLDERS).map(([folder, fixtures]) => [folder, fixtures.length]))).toEqual(
      EXPECTED_COUNTS,
    );
  });

  it.each(cases)('$folder: $name ($kind)', async (fixture) => {
    expectFixtureOutcome(fixture.expected, await runModel(createModel(fixture)));
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
