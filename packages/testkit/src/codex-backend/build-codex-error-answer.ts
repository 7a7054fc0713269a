import type { FakeCodexRateLimits } from './codex-rate-limits.ts';
import { buildCodexRateLimitHeaders } from './codex-rate-limits.ts';
import type { FakeCodexScenario } from './fake-codex-scenario.ts';

/** A complete non-200 answer: what the fake sends before any stream. */
export type CodexErrorAnswer = { status: number; headers: Record<string, string>; body: unknown };

/** The OpenAI error envelope, which the backend uses for schema errors inside the body and non-validation errors. */
export function openAiErrorBody(options: { message: string; type?: string; code: string | null; param?: string }) {
  const { message, type = 'invalid_request_error', param = null, code } = options;
  return { error: { message, type, param, code } };
}

/** The wording clients key on for a 401 (the CLI ignores the body and refreshes). */
export const TOKEN_INVALIDATED_BODY = openAiErrorBody({
  message: 'Your authentication token has been invalidated. Please try signing in again.',
  code: 'token_invalidated',
});

/** Errors before the stream (docs/codex-protocol.md §7.1–7.3); only the `usage_limit_reached` body is a capture. */
export function buildCodexErrorAnswer(options: {
  scenario: Exclude<FakeCodexScenario, { kind: 'stream' }>;
  rateLimits: Readonly<FakeCodexRateLimits>;
  now: number;
  /** The caller's, from the access token. */
  planType: string | undefined;
}): CodexErrorAnswer {
  const { scenario, now, rateLimits } = options;
  const rateLimitHeaders = (limits = rateLimits) =>
    buildCodexRateLimitHeaders({ rateLimits: limits, now, planType: options.planType });
  if (scenario.kind === 'usage-limit') {
    const resetsInSeconds = scenario.resetsInSeconds ?? 13_872;
    const planType = scenario.planType ?? rateLimits.planType ?? options.planType ?? 'plus';
    // The exhausted window is the primary one, so its headers agree with the body.
    const exhausted = { ...rateLimits, primaryUsedPercent: 100, primaryResetAfterSeconds: resetsInSeconds, planType };
    return {
      status: 429,
      headers: rateLimitHeaders(exhausted),
      // §7.2, including the `eligible_promo: null` the real body carries.
      body: {
        error: {
          type: 'usage_limit_reached',
          message: 'The usage limit has been reached',
          plan_type: planType,
          resets_at: Math.floor(now / 1000) + resetsInSeconds,
          eligible_promo: null,
          resets_in_seconds: resetsInSeconds,
        },
      },
    };
  }
  if (scenario.kind === 'rate-limit') {
    const retryAfter = scenario.retryAfterSeconds ?? 1;
    return {
      status: 429,
      headers: { ...rateLimitHeaders(), 'retry-after': String(retryAfter) },
      body: openAiErrorBody({
        message: `Rate limit reached for requests. Please try again in ${retryAfter}s.`,
        type: 'rate_limit_exceeded',
        code: 'rate_limit_exceeded',
      }),
    };
  }
  const { status } = scenario;
  return {
    status,
    headers: { ...(status === 429 ? rateLimitHeaders() : {}), ...scenario.headers },
    body:
      scenario.body ??
      DEFAULT_ERROR_BODIES[status] ??
      openAiErrorBody({ message: `Scripted status ${status}.`, code: null }),
  };
}

const DEFAULT_ERROR_BODIES: Readonly<Record<number, unknown>> = {
  401: TOKEN_INVALIDATED_BODY,
  500: openAiErrorBody({
    message: 'An error occurred while processing your request. Please try again.',
    type: 'server_error',
    code: null,
  }),
  503: openAiErrorBody({
    message: 'Our servers are currently overloaded. Please try again later.',
    type: 'service_unavailable_error',
    code: 'server_is_overloaded',
  }),
};
