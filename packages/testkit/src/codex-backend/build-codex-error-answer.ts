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

/**
 * Errors before the stream (docs/codex-protocol.md §7.1–7.3). Only the 429 `usage_limit_reached` body is quoted from a
 * real capture; the 401/429/500/503 bodies follow the OpenAI error envelope the backend uses for non-validation
 * errors, with the codes clients key on (`token_invalidated`, `server_is_overloaded`).
 */
export function buildCodexErrorAnswer(options: {
  scenario: Exclude<FakeCodexScenario, { kind: 'stream' }>;
  rateLimits: Readonly<FakeCodexRateLimits>;
  /** Milliseconds since the epoch. */
  now: number;
  /** The caller's plan from the access token. */
  planType: string | undefined;
}): CodexErrorAnswer {
  const { scenario, now, rateLimits } = options;
  const rateLimitHeaders = (limits = rateLimits) =>
    buildCodexRateLimitHeaders({ rateLimits: limits, now, planType: options.planType });
  if (scenario.kind === 'usage-limit') {
    const resetsInSeconds = scenario.resetsInSeconds ?? 13_872;
    const planType = scenario.planType ?? rateLimits.planType ?? options.planType ?? 'plus';
    return {
      status: 429,
      // The exhausted window is the primary one, so its headers agree with the body.
      headers: rateLimitHeaders({
        ...rateLimits,
        primaryUsedPercent: 100,
        primaryResetAfterSeconds: resetsInSeconds,
        planType,
      }),
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
    body: scenario.body ?? defaultErrorBody(status),
  };
}

function defaultErrorBody(status: number): unknown {
  if (status === 401) return TOKEN_INVALIDATED_BODY;
  if (status === 500) {
    return openAiErrorBody({
      message: 'An error occurred while processing your request. Please try again.',
      type: 'server_error',
      code: null,
    });
  }
  if (status === 503) {
    return openAiErrorBody({
      message: 'Our servers are currently overloaded. Please try again later.',
      type: 'service_unavailable_error',
      code: 'server_is_overloaded',
    });
  }
  return openAiErrorBody({ message: `Scripted status ${status}.`, code: null });
}
