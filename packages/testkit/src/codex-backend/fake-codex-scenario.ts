import { CodedTypeError } from '../coded-type-error.ts';

export type FakeCodexFunctionCall = {
  name: string;
  /** An object is sent as its JSON text; a string as is (so a test can send invalid JSON on purpose). */
  arguments: string | Record<string, unknown>;
  /** Default `call_<random>`. */
  callId?: string;
};

/** Token counts for `response.completed`; unset ones are estimated (about four characters a token). */
export type FakeCodexUsage = {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
};

/** An error object as the backend puts it in `response.failed` or a top-level `error` event. */
export type FakeCodexStreamError = { message: string; code?: string | null; type?: string } & Record<string, unknown>;

/** How a stream ends. Every ending but `completed` leaves the client without `response.completed`. */
export type FakeCodexStreamEnding =
  /** `isOutputEmpty`: `response.completed.output` is `[]` although items were streamed, as the backend sometimes does. */
  | { kind: 'completed'; isOutputEmpty?: boolean }
  /** `reason`: `incomplete_details.reason`, e.g. `max_output_tokens` or `content_filter` (docs/codex-protocol.md §6.2). */
  | { kind: 'incomplete'; reason: string }
  | { kind: 'failed'; error: FakeCodexStreamError }
  | { kind: 'error-event'; error: FakeCodexStreamError }
  /** Cut after `afterDeltas` text, reasoning or argument deltas; default after all output, before the end. */
  | { kind: 'disconnect'; afterDeltas?: number };

/** A 200 SSE answer: reasoning, then text, then function calls, each its own output item. */
export type FakeCodexStreamScenario = {
  kind: 'stream';
  /** Reasoning summary; an array gives one summary part per entry. */
  reasoning?: string | readonly string[];
  text?: string;
  /** Answer `echo: <last user text>` when `text` is not given, so concurrent tests can tell the answers apart. */
  echo?: boolean;
  functionCalls?: readonly FakeCodexFunctionCall[];
  /** Deltas per text, summary part or arguments. Default 3. */
  deltaCount?: number;
  /** Default `{ kind: 'completed' }`. */
  ending?: FakeCodexStreamEnding;
  /** Stops writing for `ms` after `afterDeltas` deltas (default 0: before any), then goes on. */
  stall?: { ms: number; afterDeltas?: number };
  usage?: Partial<FakeCodexUsage>;
  /** Answer without `content-type`, as the backend sometimes does (§6.1). */
  shouldOmitContentType?: boolean;
};

/** 429 `usage_limit_reached` with the §7.2 body; `resetsInSeconds` default 13872, `planType` default the caller's. */
export type FakeCodexUsageLimitScenario = { kind: 'usage-limit'; resetsInSeconds?: number; planType?: string };

/** 429 transient rate limit with `Retry-After` (default 1); clients retry it. */
export type FakeCodexRateLimitScenario = { kind: 'rate-limit'; retryAfterSeconds?: number };

/** Any status before the stream; 401, 500 and 503 get the real-looking body unless one is given. */
export type FakeCodexHttpErrorScenario = {
  kind: 'http-error';
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

export type FakeCodexScenario =
  | FakeCodexStreamScenario
  | FakeCodexUsageLimitScenario
  | FakeCodexRateLimitScenario
  | FakeCodexHttpErrorScenario;

export const FAKE_CODEX_REPLY_TEXT = 'Hello from the fake Codex backend.';
export const FAKE_CODEX_REASONING_TEXT = '**Greeting the user**\n\nThe user says hi; a short friendly answer fits.';
const CONTEXT_LENGTH_MESSAGE =
  'Your input exceeds the context window of this model. Please adjust your input and try again.';
const WEATHER_CALL = { name: 'get_weather', arguments: { city: 'Paris' }, callId: 'call_fake_weather' };

/** The presets; each has a recorded `__fixtures__/codex-<name>.chunks.txt` or `.error.json`. */
export const FAKE_CODEX_SCENARIOS = {
  text: { kind: 'stream', text: FAKE_CODEX_REPLY_TEXT },
  'reasoning-text': { kind: 'stream', reasoning: FAKE_CODEX_REASONING_TEXT, text: FAKE_CODEX_REPLY_TEXT },
  'function-call': { kind: 'stream', functionCalls: [WEATHER_CALL] },
  'parallel-function-calls': {
    kind: 'stream',
    functionCalls: [
      WEATHER_CALL,
      { name: 'get_time', arguments: { timezone: 'Europe/Paris' }, callId: 'call_fake_time' },
    ],
  },
  incomplete: {
    kind: 'stream',
    text: 'The answer is longer than the',
    ending: { kind: 'incomplete', reason: 'max_output_tokens' },
  },
  // The other `incomplete_details.reason` values of §6.2: a filtered answer, and one the server cut short.
  'incomplete-content-filter': {
    kind: 'stream',
    text: 'I can',
    ending: { kind: 'incomplete', reason: 'content_filter' },
  },
  'incomplete-interrupted': {
    kind: 'stream',
    text: 'The answer stops',
    ending: { kind: 'incomplete', reason: 'interrupted' },
  },
  'failed-context-length': {
    kind: 'stream',
    ending: { kind: 'failed', error: { code: 'context_length_exceeded', message: CONTEXT_LENGTH_MESSAGE } },
  },
  'failed-usage-not-included': {
    kind: 'stream',
    ending: {
      kind: 'failed',
      error: {
        type: 'usage_not_included',
        code: 'usage_not_included',
        message: 'Your plan does not include Codex. Upgrade your plan to use Codex.',
      },
    },
  },
  'failed-rate-limit': {
    kind: 'stream',
    ending: {
      kind: 'failed',
      // Clients read the delay from this text with a `try again in <n>(s|ms|seconds)` regex (§7.2).
      error: { code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again in 11.054s.' },
    },
  },
  'error-event': {
    kind: 'stream',
    ending: {
      kind: 'error-event',
      error: {
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        message: CONTEXT_LENGTH_MESSAGE,
        param: 'input',
      },
    },
  },
  disconnect: { kind: 'stream', text: FAKE_CODEX_REPLY_TEXT, ending: { kind: 'disconnect', afterDeltas: 2 } },
  idle: { kind: 'stream', text: FAKE_CODEX_REPLY_TEXT, stall: { ms: 1000, afterDeltas: 1 } },
  'empty-output': { kind: 'stream', text: FAKE_CODEX_REPLY_TEXT, ending: { kind: 'completed', isOutputEmpty: true } },
  'no-content-type': { kind: 'stream', text: FAKE_CODEX_REPLY_TEXT, shouldOmitContentType: true },
  'usage-limit': { kind: 'usage-limit' },
  'rate-limit': { kind: 'rate-limit' },
  overloaded: { kind: 'http-error', status: 503 },
  'server-error': { kind: 'http-error', status: 500 },
  unauthorized: { kind: 'http-error', status: 401 },
  echo: { kind: 'stream', echo: true },
} as const satisfies Record<string, FakeCodexScenario>;

export type FakeCodexScenarioName = keyof typeof FAKE_CODEX_SCENARIOS;

/** A preset name or a scenario object: what the queue, the default and the HTTP hook take. */
export type FakeCodexScenarioInput = FakeCodexScenarioName | FakeCodexScenario;

/** A scenario ready to play, named (preset name or kind) for the exchange log. */
export type ResolvedFakeCodexScenario = { name: string; scenario: FakeCodexScenario };

/** Turns a preset name into its scenario and checks a scenario object, so a typo fails where it was made. */
export function resolveFakeCodexScenario(input: FakeCodexScenarioInput): ResolvedFakeCodexScenario {
  if (typeof input === 'string') {
    if (!Object.hasOwn(FAKE_CODEX_SCENARIOS, input))
      throw invalid(`"scenario" ${JSON.stringify(input)} is not a preset`);
    return { name: input, scenario: FAKE_CODEX_SCENARIOS[input] };
  }
  if (input == null || typeof input !== 'object') {
    throw new CodedTypeError({
      code: 'ERR_INVALID_ARG_TYPE',
      message: '"scenario" must be a preset name or an object',
    });
  }
  switch (input.kind) {
    case 'stream':
      checkStreamScenario(input);
      break;
    case 'usage-limit':
      checkCount('resetsInSeconds', input.resetsInSeconds);
      break;
    case 'rate-limit':
      checkCount('retryAfterSeconds', input.retryAfterSeconds);
      break;
    case 'http-error':
      if (!(Number.isInteger(input.status) && input.status >= 400 && input.status <= 599)) {
        throw invalid('"scenario.status" must be an HTTP error status (400-599)');
      }
      break;
    default:
      throw invalid('"scenario.kind" must be stream, usage-limit, rate-limit or http-error');
  }
  return { name: input.kind, scenario: input };
}

function checkStreamScenario(scenario: FakeCodexStreamScenario): void {
  if (scenario.deltaCount != null && !(Number.isInteger(scenario.deltaCount) && scenario.deltaCount > 0)) {
    throw invalid('"scenario.deltaCount" must be > 0');
  }
  for (const [index, call] of (scenario.functionCalls ?? []).entries()) {
    if (typeof call?.name !== 'string' || call.name === '') {
      throw invalid(`"scenario.functionCalls[${index}].name" must be a non-empty string`);
    }
  }
  if (scenario.stall != null) {
    checkCount('stall.ms', scenario.stall.ms, true);
    checkCount('stall.afterDeltas', scenario.stall.afterDeltas);
  }
  const { ending } = scenario;
  if (ending == null) return;
  if (!['completed', 'incomplete', 'failed', 'error-event', 'disconnect'].includes(ending.kind)) {
    throw invalid('"scenario.ending.kind" must be completed, incomplete, failed, error-event or disconnect');
  }
  if (ending.kind === 'incomplete' && (typeof ending.reason !== 'string' || ending.reason === '')) {
    throw invalid('"scenario.ending.reason" must be a non-empty string');
  }
  if ((ending.kind === 'failed' || ending.kind === 'error-event') && typeof ending.error?.message !== 'string') {
    throw invalid('"scenario.ending.error.message" must be a string');
  }
  if (ending.kind === 'disconnect') checkCount('ending.afterDeltas', ending.afterDeltas);
}

/** An integer >= 0, which may be left out unless `isRequired`. */
function checkCount(name: string, value: unknown, isRequired = false): void {
  if (value == null && !isRequired) return;
  if (!(Number.isInteger(value) && (value as number) >= 0)) throw invalid(`"scenario.${name}" must be an integer >= 0`);
}

function invalid(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
