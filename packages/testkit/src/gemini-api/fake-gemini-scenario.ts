import type { BaseReplyScenario, ReplyInterruption } from '../plan-reply-text.ts';
import type { ScenarioCallRule } from '../resolve-scenario-input.ts';
import { resolveScenarioInput } from '../resolve-scenario-input.ts';
import type { GoogleApiErrorBody } from './google-api-error.ts';
import { googleErrorBody } from './google-api-error.ts';

const FUNCTION_CALL_RULE: ScenarioCallRule = {
  field: 'functionCalls',
  isValid: (call) => typeof call?.name === 'string' && call.name !== '' && call.args instanceof Object,
  problem: '" needs a name and an args object',
};

/** Counted in content chunks written. */
export type FakeGeminiInterruption = ReplyInterruption<'afterChunks', GoogleApiErrorBody>;

/** A model answer: thought summary, text and function calls, streamed in that order. */
export type FakeGeminiReplyScenario = BaseReplyScenario<FakeGeminiInterruption> & {
  /** Thought summary; returned as `thought: true` parts only when the request sets `includeThoughts`. */
  thoughts?: string;
  functionCalls?: readonly { name: string; args: Record<string, unknown>; id?: string }[];
  /** Default STOP (function calls also finish with STOP); any FinishReason (MAX_TOKENS, SAFETY, RECITATION, …). */
  finishReason?: string;
  /** Token counts the fake would otherwise estimate (about four characters a token). */
  usage?: Partial<
    Record<'promptTokenCount' | 'candidatesTokenCount' | 'thoughtsTokenCount' | 'cachedContentTokenCount', number>
  >;
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

export type FakeGeminiScenarioInput = keyof typeof FAKE_GEMINI_SCENARIOS | FakeGeminiScenario;

export function resolveFakeGeminiScenario(input: FakeGeminiScenarioInput): FakeGeminiScenario {
  return resolveScenarioInput<FakeGeminiScenario>(input, FAKE_GEMINI_SCENARIOS, FUNCTION_CALL_RULE);
}

const WEATHER_CALL = { name: 'get_weather', args: { city: 'Paris' } };

export const FAKE_GEMINI_SCENARIOS = {
  text: { kind: 'reply' },
  echo: { kind: 'reply', echo: true },
  thinking: { kind: 'reply', thoughts: '**Greeting the user**\n\nThe user says hello. A short, friendly answer fits.' },
  'function-call': {
    kind: 'reply',
    thoughts: '**Checking the weather**\n\nI should call get_weather for Paris.',
    functionCalls: [WEATHER_CALL],
  },
  'parallel-function-calls': {
    kind: 'reply',
    functionCalls: [WEATHER_CALL, { name: 'get_time', args: { timezone: 'Europe/Paris' } }],
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

/** The error the fake writes into a stream that fails part-way, unless the scenario names another. */
export const DEFAULT_GEMINI_STREAM_ERROR = googleErrorBody(503, 'The model is overloaded. Please try again later.');

const QUOTA_METRIC = 'generativelanguage.googleapis.com/generate_content_free_tier_requests';
const RATE_LIMITS_URL = 'https://ai.google.dev/gemini-api/docs/rate-limits';
const QUOTAS = {
  'per-minute': { periods: ['PerMinute'], limit: '10', retryDelay: '2s', retryIn: '2.0s' },
  'per-day': { periods: ['PerDay'], limit: '250', retryDelay: '43200s', retryIn: '43200.0s' },
  'no-free-tier': { periods: ['PerDay', 'PerMinute'], limit: '0', retryDelay: '5s', retryIn: '5.237548564s' },
};

/**
 * The body of an `http-error` scenario. The 429s follow docs/google-protocol.md §5.3: a per-minute limit (QuotaFailure
 * `…PerMinute…FreeTier`, RetryInfo "2s"), a daily quota (`…PerDay…`), and a model with no free tier (`limit: 0`).
 */
export function buildGeminiScenarioError(scenario: FakeGeminiHttpErrorScenario, model: string): GoogleApiErrorBody {
  if (scenario.body != null) return scenario.body;
  if (scenario.status === 503) return DEFAULT_GEMINI_STREAM_ERROR;
  if (scenario.status === 500) {
    return googleErrorBody(
      500,
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    );
  }
  if (scenario.status !== 429)
    return googleErrorBody(scenario.status, `Scripted error with status ${scenario.status}.`);
  const { periods, limit, retryDelay, retryIn } = QUOTAS[scenario.quota ?? 'per-minute'];
  const violations = periods.map((period) => ({
    quotaMetric: QUOTA_METRIC,
    quotaId: `GenerateRequests${period}PerProjectPerModel-FreeTier`,
    quotaDimensions: { location: 'global', model },
    quotaValue: limit,
  }));
  return googleErrorBody(
    429,
    'You exceeded your current quota, please check your plan and billing details. For more information on this ' +
      `error, head to: ${RATE_LIMITS_URL}. To monitor your current usage, head to: https://ai.dev/rate-limit. \n` +
      `* Quota exceeded for metric: ${QUOTA_METRIC}, limit: ${limit}, model: ${model}\nPlease retry in ${retryIn}.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMITS_URL }],
      },
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
    ],
  );
}
