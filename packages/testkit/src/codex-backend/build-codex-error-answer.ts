import { TOKEN_INVALIDATED_MESSAGE, USAGE_LIMIT_MESSAGE } from './codex-backend-constants.ts';
import { openAiErrorBody } from './codex-error-body.ts';
import type { FakeCodexRateLimits } from './fake-codex-rate-limits.ts';
import { buildCodexRateLimitHeaders } from './fake-codex-rate-limits.ts';
import type {
  FakeCodexHttpErrorScenario,
  FakeCodexRateLimitScenario,
  FakeCodexUsageLimitScenario,
} from './fake-codex-scenario.ts';

/** A complete non-200 answer: what the fake sends before any stream. */
export type CodexErrorAnswer = { status: number; headers: Record<string, string>; body: unknown };

export type BuildCodexErrorAnswerOptions = {
  scenario: FakeCodexUsageLimitScenario | FakeCodexRateLimitScenario | FakeCodexHttpErrorScenario;
  rateLimits: Readonly<FakeCodexRateLimits>;
  /** Milliseconds since the epoch. */
  now: number;
  /** The caller's plan from the access token. */
  planType: string | undefined;
};

const DEFAULT_RESETS_IN_SECONDS = 13_872;
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * Errors before the stream (docs/codex-protocol.md §7.1–7.3). Only the 429 `usage_limit_reached` body is quoted from a
 * real capture; the 401/429/500/503 bodies follow the OpenAI error envelope the backend uses for non-validation
 * errors, with the codes clients key on (`token_invalidated`, `server_is_overloaded`).
 */
export function buildCodexErrorAnswer(options: BuildCodexErrorAnswerOptions): CodexErrorAnswer {
  const { scenario, now } = options;
  const rateLimitHeaders = (rateLimits: Readonly<FakeCodexRateLimits>) =>
    buildCodexRateLimitHeaders({ rateLimits, now, planType: options.planType });

  switch (scenario.kind) {
    case 'usage-limit': {
      const resetsInSeconds = scenario.resetsInSeconds ?? DEFAULT_RESETS_IN_SECONDS;
      const planType = scenario.planType ?? options.rateLimits.planType ?? options.planType ?? 'plus';
      return {
        status: 429,
        // The exhausted window is the primary one, so its headers agree with the body.
        headers: rateLimitHeaders({
          ...options.rateLimits,
          primaryUsedPercent: 100,
          primaryResetAfterSeconds: resetsInSeconds,
          planType,
        }),
        body: {
          error: {
            type: 'usage_limit_reached',
            message: USAGE_LIMIT_MESSAGE,
            plan_type: planType,
            resets_at: Math.floor(now / 1000) + resetsInSeconds,
            eligible_promo: null,
            resets_in_seconds: resetsInSeconds,
          },
        },
      };
    }
    case 'rate-limit': {
      const retryAfter = scenario.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
      return {
        status: 429,
        headers: { ...rateLimitHeaders(options.rateLimits), 'retry-after': String(retryAfter) },
        body: openAiErrorBody({
          message: `Rate limit reached for requests. Please try again in ${retryAfter}s.`,
          type: 'rate_limit_exceeded',
          code: 'rate_limit_exceeded',
        }),
      };
    }
    case 'http-error':
      return {
        status: scenario.status,
        headers: {
          ...(scenario.status === 429 ? rateLimitHeaders(options.rateLimits) : {}),
          ...scenario.headers,
        },
        body: scenario.body ?? defaultErrorBody(scenario.status),
      };
    default:
      return assertNever(scenario);
  }
}

function defaultErrorBody(status: number): unknown {
  switch (status) {
    case 401:
      return openAiErrorBody({
        message: TOKEN_INVALIDATED_MESSAGE,
        type: 'invalid_request_error',
        code: 'token_invalidated',
      });
    case 500:
      return openAiErrorBody({
        message: 'An error occurred while processing your request. Please try again.',
        type: 'server_error',
        code: null,
      });
    case 503:
      return openAiErrorBody({
        message: 'Our servers are currently overloaded. Please try again later.',
        type: 'service_unavailable_error',
        code: 'server_is_overloaded',
      });
    default:
      return openAiErrorBody({ message: `Scripted status ${status}.`, type: 'invalid_request_error', code: null });
  }
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled error scenario ${JSON.stringify(value)}`);
}
