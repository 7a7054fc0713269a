import { CodedTypeError } from '../coded-type-error.ts';
import type { GoogleApiErrorBody } from './google-api-error.ts';

export type FakeGeminiFunctionCall = { name: string; args: Record<string, unknown>; id?: string };

/** Numbers the fake would otherwise estimate (about four characters a token). */
export type FakeGeminiUsageOverride = {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
};

/** Where a stream stops early, counted in content chunks written. */
export type FakeGeminiInterruption =
  | { kind: 'error'; afterChunks: number; error?: GoogleApiErrorBody }
  | { kind: 'disconnect'; afterChunks: number };

export type FakeGeminiFinishReason =
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL';

/** A model answer: thought summary, text and function calls, streamed in that order. */
export type FakeGeminiReplyScenario = {
  kind: 'reply';
  /** Default `FAKE_GEMINI_REPLY_TEXT`, or none when there are function calls. */
  text?: string;
  /** Answer `echo: <text of the last user content>` (when `text` is not given), to tell concurrent callers apart. */
  echo?: boolean;
  /** Thought summary; returned as `thought: true` parts only when the request sets `includeThoughts`. */
  thoughts?: string;
  functionCalls?: readonly FakeGeminiFunctionCall[];
  /** Default STOP (function calls also finish with STOP). */
  finishReason?: FakeGeminiFinishReason;
  usage?: FakeGeminiUsageOverride;
  chunkCount?: number;
  interruption?: FakeGeminiInterruption;
};

/** The prompt itself is blocked: no candidates, only `promptFeedback.blockReason`. */
export type FakeGeminiBlockedPromptScenario = {
  kind: 'blocked-prompt';
  blockReason?: 'SAFETY' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'IMAGE_SAFETY';
};

/** An HTTP error before any output; the body defaults to the real one for the status. */
export type FakeGeminiHttpErrorScenario = {
  kind: 'http-error';
  status: number;
  /** For 429: which quota ran out (docs/google-protocol.md §3.9, §5.3). Default `per-minute`. */
  quota?: 'per-minute' | 'per-day' | 'no-free-tier';
  body?: GoogleApiErrorBody;
};

export type FakeGeminiScenario =
  | FakeGeminiReplyScenario
  | FakeGeminiBlockedPromptScenario
  | FakeGeminiHttpErrorScenario;

export const FAKE_GEMINI_REPLY_TEXT = 'Hello! How can I help you today?';

export const FAKE_GEMINI_SCENARIOS = {
  text: { kind: 'reply' },
  echo: { kind: 'reply', echo: true },
  thinking: {
    kind: 'reply',
    thoughts: '**Greeting the user**\n\nThe user says hello. A short, friendly answer fits.',
  },
  'function-call': {
    kind: 'reply',
    thoughts: '**Checking the weather**\n\nI should call get_weather for Paris.',
    functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
  },
  'parallel-function-calls': {
    kind: 'reply',
    functionCalls: [
      { name: 'get_weather', args: { city: 'Paris' } },
      { name: 'get_time', args: { timezone: 'Europe/Paris' } },
    ],
  },
  'max-tokens': { kind: 'reply', text: 'The answer is longer than the', finishReason: 'MAX_TOKENS' },
  safety: { kind: 'reply', text: '', finishReason: 'SAFETY' },
  'blocked-prompt': { kind: 'blocked-prompt' },
  'error-mid-stream': { kind: 'reply', interruption: { kind: 'error', afterChunks: 2 } },
  'disconnect-mid-stream': { kind: 'reply', interruption: { kind: 'disconnect', afterChunks: 2 } },
  'rate-limit': { kind: 'http-error', status: 429, quota: 'per-minute' },
  'daily-quota': { kind: 'http-error', status: 429, quota: 'per-day' },
  'no-free-tier': { kind: 'http-error', status: 429, quota: 'no-free-tier' },
  'server-error': { kind: 'http-error', status: 500 },
  overloaded: { kind: 'http-error', status: 503 },
} as const satisfies Record<string, FakeGeminiScenario>;

export type FakeGeminiScenarioName = keyof typeof FAKE_GEMINI_SCENARIOS;

/** The preset scenarios that stream output, one fixture file each. */
export const FAKE_GEMINI_STREAMING_SCENARIO_NAMES: readonly FakeGeminiScenarioName[] = [
  'text',
  'thinking',
  'function-call',
  'parallel-function-calls',
  'max-tokens',
  'safety',
  'blocked-prompt',
  'error-mid-stream',
  'disconnect-mid-stream',
];

export function resolveFakeGeminiScenario(scenario: FakeGeminiScenarioName | FakeGeminiScenario): FakeGeminiScenario {
  if (typeof scenario === 'string') {
    const preset = (FAKE_GEMINI_SCENARIOS as Record<string, FakeGeminiScenario>)[scenario];
    if (preset == null) throw invalidValue(`"scenario" ${JSON.stringify(scenario)} is not a preset`);
    return preset;
  }
  if (scenario == null || typeof scenario !== 'object') {
    throw new CodedTypeError({
      code: 'ERR_INVALID_ARG_TYPE',
      message: '"scenario" must be a preset name or an object',
    });
  }
  switch (scenario.kind) {
    case 'http-error':
      if (!Number.isInteger(scenario.status) || scenario.status < 400 || scenario.status > 599) {
        throw invalidValue('"scenario.status" must be an HTTP error status (400-599)');
      }
      return scenario;
    case 'blocked-prompt':
      return scenario;
    case 'reply':
      for (const [index, call] of (scenario.functionCalls ?? []).entries()) {
        if (typeof call?.name !== 'string' || call.name === '' || call.args == null || typeof call.args !== 'object') {
          throw invalidValue(`"scenario.functionCalls[${index}]" needs a name and an args object`);
        }
      }
      if (scenario.chunkCount != null && !(Number.isInteger(scenario.chunkCount) && scenario.chunkCount > 0)) {
        throw invalidValue('"scenario.chunkCount" must be a positive integer');
      }
      if (
        scenario.interruption != null &&
        !(Number.isInteger(scenario.interruption.afterChunks) && scenario.interruption.afterChunks >= 0)
      ) {
        throw invalidValue('"scenario.interruption.afterChunks" must be an integer >= 0');
      }
      return scenario;
    default:
      throw invalidValue('"scenario.kind" must be "reply", "blocked-prompt" or "http-error"');
  }
}

function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
