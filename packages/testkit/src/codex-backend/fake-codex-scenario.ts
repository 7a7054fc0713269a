import { invalidValue } from '../coded-type-error.ts';

/** `arguments`: an object is sent as its JSON text, a string as is (to send invalid JSON); `callId` default random. */
export type FakeCodexFunctionCall = { name: string; arguments: string | Record<string, unknown>; callId?: string };

/** An error object as the backend puts it in `response.failed` or a top-level `error` event. */
export type FakeCodexStreamError = { message: string; code?: string | null; type?: string } & Record<string, unknown>;

/** A 200 SSE answer: reasoning, then text, then function calls, each its own output item. */
export type FakeCodexStreamScenario = {
  kind: 'stream';
  /** Reasoning summary; an array gives one summary part per entry. */
  reasoning?: string | readonly string[];
  text?: string;
  /** Answer `echo: <last user text>` when `text` is not given, so concurrent tests can tell the answers apart. */
  echo?: boolean;
  /**
   * Structured output: when `text` is not given, answer the JSON text of a value matching the request's
   * `text.format.schema` (every property, one item per array, `"fake"` for strings); without a schema, `{}`.
   */
  json?: boolean;
  functionCalls?: readonly FakeCodexFunctionCall[];
  /** Deltas per text, summary part or arguments. Default 3. */
  deltaCount?: number;
  /**
   * How the stream ends (default `completed`); all but `completed` leave the client without `response.completed`.
   * `isOutputEmpty`: `response.completed.output` is `[]` although items were streamed, as the backend sometimes does.
   * `reason`: `incomplete_details.reason`, e.g. `max_output_tokens` or `content_filter` (docs/codex-protocol.md §6.2).
   * `afterDeltas`: cut after that many deltas; default after all output, before the end.
   */
  ending?:
    | { kind: 'completed'; isOutputEmpty?: boolean }
    | { kind: 'incomplete'; reason: string }
    | { kind: 'failed' | 'error-event'; error: FakeCodexStreamError }
    | { kind: 'disconnect'; afterDeltas?: number };
  /** Stops writing for `ms` after `afterDeltas` deltas (default 0: before any), then goes on. */
  stall?: { ms: number; afterDeltas?: number };
  /**
   * Waits this long before every delta: a model that writes slowly, so a client has time to stop the answer or to
   * lose its connection in the middle of it. Default 0.
   */
  deltaDelayMs?: number;
  /** Token counts for the terminal event; unset ones are estimated (about four characters a token). */
  usage?: { inputTokens?: number; cachedTokens?: number; outputTokens?: number; reasoningTokens?: number };
  /** Answer without `content-type`, as the backend sometimes does (§6.1). */
  shouldOmitContentType?: boolean;
};

/**
 * An answer before any stream: 429 `usage_limit_reached` with the §7.2 body (`resetsInSeconds` default 13872,
 * `planType` default the caller's); a 429 rate limit with `Retry-After` (default 1) that clients retry; or any error
 * status, where 401, 500 and 503 get the real-looking body unless one is given.
 */
export type FakeCodexErrorScenario =
  | { kind: 'usage-limit'; resetsInSeconds?: number; planType?: string }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'http-error'; status: number; body?: unknown; headers?: Record<string, string> };

export type FakeCodexScenario = FakeCodexStreamScenario | FakeCodexErrorScenario;

export const FAKE_CODEX_REPLY_TEXT = 'Hello from the fake Codex backend.';
export const FAKE_CODEX_REASONING_TEXT = '**Greeting the user**\n\nThe user says hi; a short friendly answer fits.';
const CONTEXT_LENGTH = {
  code: 'context_length_exceeded',
  message: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
};
const WEATHER_CALL = { name: 'get_weather', arguments: { city: 'Paris' }, callId: 'call_fake_weather' };
const TIME_CALL = { name: 'get_time', arguments: { timezone: 'Europe/Paris' }, callId: 'call_fake_time' };
const failed = (error: FakeCodexStreamError) => ({ kind: 'stream', ending: { kind: 'failed', error } }) as const;
const incomplete = (text: string, reason: string) =>
  ({ kind: 'stream', text, ending: { kind: 'incomplete', reason } }) as const;

/** The presets; each has a recorded `__fixtures__/codex-<name>.chunks.txt` or `.error.json`. */
export const FAKE_CODEX_SCENARIOS = {
  text: { kind: 'stream', text: FAKE_CODEX_REPLY_TEXT },
  'reasoning-text': { kind: 'stream', reasoning: FAKE_CODEX_REASONING_TEXT, text: FAKE_CODEX_REPLY_TEXT },
  'function-call': { kind: 'stream', functionCalls: [WEATHER_CALL] },
  'parallel-function-calls': { kind: 'stream', functionCalls: [WEATHER_CALL, TIME_CALL] },
  // The `incomplete_details.reason` values of §6.2: the output limit, a filtered answer, one the server cut short.
  incomplete: incomplete('The answer is longer than the', 'max_output_tokens'),
  'incomplete-content-filter': incomplete('I can', 'content_filter'),
  'incomplete-interrupted': incomplete('The answer stops', 'interrupted'),
  'failed-context-length': failed(CONTEXT_LENGTH),
  'failed-usage-not-included': failed({
    type: 'usage_not_included',
    code: 'usage_not_included',
    message: 'Your plan does not include Codex. Upgrade your plan to use Codex.',
  }),
  // Clients read the delay from this text with a `try again in <n>(s|ms|seconds)` regex (§7.2).
  'failed-rate-limit': failed({
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests. Please try again in 11.054s.',
  }),
  'error-event': {
    kind: 'stream',
    ending: { kind: 'error-event', error: { type: 'invalid_request_error', ...CONTEXT_LENGTH, param: 'input' } },
  },
  // Unless told otherwise, a stream answers FAKE_CODEX_REPLY_TEXT.
  disconnect: { kind: 'stream', ending: { kind: 'disconnect', afterDeltas: 2 } },
  idle: { kind: 'stream', stall: { ms: 1000, afterDeltas: 1 } },
  'empty-output': { kind: 'stream', ending: { kind: 'completed', isOutputEmpty: true } },
  'no-content-type': { kind: 'stream', shouldOmitContentType: true },
  'usage-limit': { kind: 'usage-limit' },
  'rate-limit': { kind: 'rate-limit' },
  overloaded: { kind: 'http-error', status: 503 },
  'server-error': { kind: 'http-error', status: 500 },
  unauthorized: { kind: 'http-error', status: 401 },
  echo: { kind: 'stream', echo: true },
  json: { kind: 'stream', json: true },
} as const satisfies Record<string, FakeCodexScenario>;

export type FakeCodexScenarioName = keyof typeof FAKE_CODEX_SCENARIOS;

/** A preset name or a scenario object: what the queue, the default and the HTTP hook take. */
export type FakeCodexScenarioInput = FakeCodexScenarioName | FakeCodexScenario;

/** A scenario ready to play, named (preset name or kind) for the exchange log. */
export type ResolvedFakeCodexScenario = { name: string; scenario: FakeCodexScenario };

/** Objects are taken as they are but for their kind: a test's own scenario is type-checked already. */
export function resolveFakeCodexScenario(input: FakeCodexScenarioInput): ResolvedFakeCodexScenario {
  if (typeof input === 'string') {
    if (!Object.hasOwn(FAKE_CODEX_SCENARIOS, input))
      throw invalidValue(`"scenario" ${JSON.stringify(input)} is not a preset`);
    return { name: input, scenario: FAKE_CODEX_SCENARIOS[input] };
  }
  if (!['stream', 'usage-limit', 'rate-limit', 'http-error'].includes(input?.kind)) {
    throw invalidValue('"scenario.kind" must be stream, usage-limit, rate-limit or http-error');
  }
  return { name: input.kind, scenario: input };
}
