import { CodedTypeError } from '../coded-type-error.ts';
import type { OpenAiApiErrorBody } from './openai-api-error.ts';

export type FakeOpenAiToolCall = {
  name: string;
  /** An object is sent as its JSON text; a string as is (so a test can send invalid JSON on purpose). */
  arguments: string | Record<string, unknown>;
  /** Default `call_fake_<n>`. */
  id?: string;
};

/** Numbers the fake would otherwise estimate from the text (about four characters a token). */
export type FakeOpenAiUsageOverride = {
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  reasoningTokens?: number;
};

/** Where a stream stops early: after this many text, reasoning or argument deltas. */
export type FakeOpenAiInterruption =
  | { kind: 'error'; afterDeltas: number; error?: OpenAiApiErrorBody['error'] }
  | { kind: 'disconnect'; afterDeltas: number };

/** A model answer: reasoning, text and tool calls, streamed in that order. */
export type FakeOpenAiReplyScenario = {
  kind: 'reply';
  /** Default `FAKE_OPENAI_REPLY_TEXT`, or no text when there are tool calls. */
  text?: string;
  /** Answer `echo: <text of the last user message>` (when `text` is not given), to tell concurrent callers apart. */
  echo?: boolean;
  /** Sent as `reasoning_content` deltas (chat) or a reasoning summary (responses). */
  reasoning?: string;
  toolCalls?: readonly FakeOpenAiToolCall[];
  /** Default `stop`, or `tool_calls` when there are tool calls. */
  finishReason?: 'stop' | 'length' | 'content_filter';
  usage?: FakeOpenAiUsageOverride;
  /** Overrides the fake's `chunkCount` for this reply. */
  chunkCount?: number;
  interruption?: FakeOpenAiInterruption;
};

/** An HTTP error before any output; the body defaults to the real one for 429, 500 and 503. */
export type FakeOpenAiHttpErrorScenario = {
  kind: 'http-error';
  status: number;
  body?: OpenAiApiErrorBody;
  headers?: Record<string, string>;
};

export type FakeOpenAiScenario = FakeOpenAiReplyScenario | FakeOpenAiHttpErrorScenario;

export const FAKE_OPENAI_REPLY_TEXT = 'Hello! How can I help you today?';

export const FAKE_OPENAI_SCENARIOS = {
  text: { kind: 'reply' },
  echo: { kind: 'reply', echo: true },
  reasoning: { kind: 'reply', reasoning: 'The user greets me. A short, friendly answer fits.' },
  'tool-call': { kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
  'parallel-tool-calls': {
    kind: 'reply',
    toolCalls: [
      { name: 'get_weather', arguments: { city: 'Paris' } },
      { name: 'get_time', arguments: { timezone: 'Europe/Paris' } },
    ],
  },
  length: { kind: 'reply', text: 'The answer is longer than the', finishReason: 'length' },
  'content-filter': { kind: 'reply', text: 'I can', finishReason: 'content_filter' },
  'error-mid-stream': { kind: 'reply', interruption: { kind: 'error', afterDeltas: 2 } },
  'disconnect-mid-stream': { kind: 'reply', interruption: { kind: 'disconnect', afterDeltas: 2 } },
  'rate-limit': { kind: 'http-error', status: 429 },
  'insufficient-quota': {
    kind: 'http-error',
    status: 429,
    body: {
      error: {
        message:
          'You exceeded your current quota, please check your plan and billing details. For more information on this ' +
          'error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    },
  },
  'server-error': { kind: 'http-error', status: 500 },
  overloaded: { kind: 'http-error', status: 503 },
} as const satisfies Record<string, FakeOpenAiScenario>;

export type FakeOpenAiScenarioName = keyof typeof FAKE_OPENAI_SCENARIOS;

/** The preset scenarios that stream output, one fixture file each. */
export const FAKE_OPENAI_STREAMING_SCENARIO_NAMES: readonly FakeOpenAiScenarioName[] = [
  'text',
  'reasoning',
  'tool-call',
  'parallel-tool-calls',
  'length',
  'content-filter',
  'error-mid-stream',
  'disconnect-mid-stream',
];

/** Turns a preset name into its scenario and checks a scenario object, for the JS handle and the HTTP hook alike. */
export function resolveFakeOpenAiScenario(scenario: FakeOpenAiScenarioName | FakeOpenAiScenario): FakeOpenAiScenario {
  if (typeof scenario === 'string') {
    const preset = (FAKE_OPENAI_SCENARIOS as Record<string, FakeOpenAiScenario>)[scenario];
    if (preset == null) throw invalidValue(`"scenario" ${JSON.stringify(scenario)} is not a preset`);
    return preset;
  }
  if (scenario == null || typeof scenario !== 'object') {
    throw new CodedTypeError({
      code: 'ERR_INVALID_ARG_TYPE',
      message: '"scenario" must be a preset name or an object',
    });
  }
  if (scenario.kind === 'http-error') {
    if (!Number.isInteger(scenario.status) || scenario.status < 400 || scenario.status > 599) {
      throw invalidValue('"scenario.status" must be an HTTP error status (400-599)');
    }
    return scenario;
  }
  if (scenario.kind !== 'reply') throw invalidValue('"scenario.kind" must be "reply" or "http-error"');
  for (const [index, call] of (scenario.toolCalls ?? []).entries()) {
    if (typeof call?.name !== 'string' || call.name === '') {
      throw invalidValue(`"scenario.toolCalls[${index}].name" must be a non-empty string`);
    }
  }
  const { chunkCount, interruption } = scenario;
  if (chunkCount != null && !(Number.isInteger(chunkCount) && chunkCount > 0)) {
    throw invalidValue('"scenario.chunkCount" must be a positive integer');
  }
  if (interruption != null && !(Number.isInteger(interruption.afterDeltas) && interruption.afterDeltas >= 0)) {
    throw invalidValue('"scenario.interruption.afterDeltas" must be an integer >= 0');
  }
  return scenario;
}

function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
