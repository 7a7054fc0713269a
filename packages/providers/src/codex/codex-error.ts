import { findRetryDelayInMessage } from '../common/parse-duration-seconds.ts';
import { parseRetryAfter } from '../common/parse-retry-after.ts';
import type { RateLimitSnapshot } from '../common/rate-limit-snapshot.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { ProviderError } from '../errors/provider-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UsageLimitError } from '../errors/usage-limit-error.ts';
import { type CodexErrorObject, codexErrorBodySchema } from './codex-api.ts';

/**
 * Turns a non-2xx answer of the Codex backend into our error class.
 * @see docs/codex-protocol.md §7.1, §7.2
 */
export function toCodexProviderError(options: {
  url: string;
  statusCode: number;
  responseBody: string;
  responseHeaders: Headers | Readonly<Record<string, string>>;
  rateLimits?: RateLimitSnapshot | undefined;
  now?: number;
}): ProviderError {
  const { url, statusCode, responseBody, responseHeaders } = options;
  const body = parseErrorBody(responseBody);
  const error = body?.error ?? undefined;
  const detail = describeDetail(body?.detail);

  // Usage limits are told apart by `error.type`, not by status (opencode even saw them behind a 404).
  if (error != null && isUsageLimit(error)) {
    return toUsageLimitError({ error, rateLimits: options.rateLimits, now: options.now, cause: body });
  }
  const message = detail ?? error?.message ?? (responseBody.trim() || `HTTP ${statusCode}`);
  if (statusCode === 400) {
    return new InvalidRequestError({ message, url, statusCode, responseBody, cause: body });
  }
  return new UpstreamApiError({
    message: `Codex backend answered ${statusCode}: ${message}`,
    url,
    statusCode,
    responseBody,
    retryAfterSeconds: parseRetryAfter(responseHeaders) ?? findRetryDelayInMessage(message),
    // `usage_not_included`: the plan has no Codex access at all; asking again will not help.
    ...(error?.type === 'usage_not_included' || error?.code === 'usage_not_included' ? { isRetryable: false } : {}),
    cause: body,
  });
}

/**
 * Turns a failure reported inside a 200 stream (`error` event or `response.failed`) into our error class, using the
 * status the backend would have answered with.
 */
export function codexStreamFailureToProviderError(options: {
  url: string;
  error: CodexErrorObject | null | undefined;
  statusCode?: number | null | undefined;
  rateLimits?: RateLimitSnapshot | undefined;
  now?: number;
}): ProviderError {
  const { url, error } = options;
  if (error != null && isUsageLimit(error)) {
    return toUsageLimitError({ error, rateLimits: options.rateLimits, now: options.now, cause: error });
  }
  const kind = error?.code ?? error?.type ?? undefined;
  const message = error?.message ?? `The Codex response failed${kind != null ? ` (${kind})` : ''}.`;
  const responseBody = JSON.stringify({ error });
  switch (kind) {
    case 'usage_not_included':
      return new UpstreamApiError({ message, url, statusCode: 403, responseBody, isRetryable: false, cause: error });
    case 'rate_limit_exceeded':
      return new UpstreamApiError({
        message,
        url,
        statusCode: 429,
        responseBody,
        retryAfterSeconds: findRetryDelayInMessage(message),
        cause: error,
      });
    case 'server_is_overloaded':
    case 'slow_down':
      return new UpstreamApiError({ message, url, statusCode: 503, responseBody, cause: error });
    case 'context_length_exceeded':
    case 'invalid_prompt':
    case 'invalid_request_error':
      return new InvalidRequestError({ message, url, statusCode: 400, responseBody, cause: error });
    default: {
      const statusCode = options.statusCode ?? 500;
      if (statusCode === 400) return new InvalidRequestError({ message, url, responseBody, cause: error });
      return new UpstreamApiError({ message, url, statusCode, responseBody, cause: error });
    }
  }
}

/**
 * A `response.incomplete` whose reason is neither the output limit nor the content filter (`interrupted`, or a
 * reason new to us): the answer was cut short for a reason the caller cannot act on. Codex itself turns it into the
 * retryable stream error "Incomplete response returned, reason: <reason>" (docs/codex-protocol.md §6.2), so it is a
 * retryable 502 here: the upstream gave an unusable answer.
 */
export function codexIncompleteToProviderError(options: {
  url: string;
  reason: string | null | undefined;
}): UpstreamApiError {
  const reason = options.reason ?? 'unknown';
  return new UpstreamApiError({
    message: `Incomplete response returned, reason: ${reason}`,
    url: options.url,
    statusCode: 502,
    responseBody: JSON.stringify({ incomplete_details: { reason: options.reason ?? null } }),
    isRetryable: true,
    cause: undefined,
  });
}

function isUsageLimit(error: CodexErrorObject | null | undefined): boolean {
  return error?.type === 'usage_limit_reached' || error?.code === 'usage_limit_reached';
}

function toUsageLimitError(options: {
  error: CodexErrorObject;
  rateLimits: RateLimitSnapshot | undefined;
  now: number | undefined;
  cause: unknown;
}): UsageLimitError {
  const { error, rateLimits } = options;
  const now = options.now ?? Date.now();
  const resetsAt =
    error.resets_at != null
      ? new Date(error.resets_at * 1000)
      : error.resets_in_seconds != null
        ? new Date(now + error.resets_in_seconds * 1000)
        : undefined;
  const retryAfterSeconds =
    error.resets_in_seconds ??
    (resetsAt != null ? Math.max(0, Math.round((resetsAt.getTime() - now) / 1000)) : undefined);
  const planType = error.plan_type ?? rateLimits?.planType;
  return new UsageLimitError({
    message: `${error.message ?? 'The usage limit has been reached'}${
      resetsAt != null ? ` (resets at ${resetsAt.toISOString()})` : ''
    }.`,
    resetsAt,
    planType,
    retryAfterSeconds,
    rateLimits,
    cause: options.cause,
  });
}

function parseErrorBody(text: string) {
  try {
    const result = codexErrorBodySchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** `detail` is a string for the backend's own checks, a list of `{msg, loc}` for FastAPI schema validation. */
function describeDetail(detail: unknown): string | undefined {
  if (detail == null) return undefined;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((entry) =>
        typeof entry === 'object' && entry != null && 'msg' in entry
          ? `${String(entry.msg)}${'loc' in entry && Array.isArray(entry.loc) ? ` (${entry.loc.join('.')})` : ''}`
          : JSON.stringify(entry),
      )
      .join('; ');
  }
  return JSON.stringify(detail);
}
