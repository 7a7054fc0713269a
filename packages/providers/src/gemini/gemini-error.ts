import { type HttpFailure, mapSdkError, parseJsonOrUndefined } from '../common/map-sdk-error.ts';
import { findRetryDelayInMessage, parseDurationSeconds } from '../common/parse-duration-seconds.ts';
import { parseRetryAfter } from '../common/parse-retry-after.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { ProviderError } from '../errors/provider-error.ts';
import { QuotaExceededError } from '../errors/quota-exceeded-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { type GoogleError, googleErrorBodySchema } from './gemini-api.ts';

/**
 * Turns what a Gemini call throws or streams (AI SDK `APICallError`s, whose body is a Google RPC error) into our
 * error classes. Our own errors and the caller's abort pass through.
 * @see docs/google-protocol.md §2.6, §3.9
 */
export function toGeminiProviderError(error: unknown, options: { url: string }): Error {
  return mapSdkError(error, {
    url: options.url,
    mapHttpFailure: geminiHttpFailureToProviderError,
    mapOther: (other) =>
      other instanceof Error
        ? other
        : new UpstreamProtocolError({
            message: `Unexpected upstream error: ${String(other)}`,
            url: options.url,
            cause: other,
          }),
  });
}

type ErrorDetails = {
  retryDelaySeconds: number | undefined;
  reasons: string[];
  quotaIds: string[];
};

export function geminiHttpFailureToProviderError(failure: HttpFailure): ProviderError {
  const { url, statusCode, responseBody, responseHeaders, cause } = failure;
  const googleError = readGoogleError(responseBody);
  const message = googleError?.message ?? (responseBody?.trim() || `HTTP ${statusCode}`);
  const details = readDetails(googleError);
  const retryAfterSeconds =
    details.retryDelaySeconds ?? parseRetryAfter(responseHeaders) ?? findRetryDelayInMessage(message);

  if (statusCode === 429 || googleError?.status === 'RESOURCE_EXHAUSTED') {
    const dailyQuotaId = details.quotaIds.find((quotaId) => /PerDay|Daily/i.test(quotaId));
    if (dailyQuotaId != null || details.reasons.includes('QUOTA_EXHAUSTED') || /\blimit: 0\b/.test(message)) {
      return new QuotaExceededError({
        message,
        url,
        quotaId: dailyQuotaId ?? details.quotaIds[0],
        retryAfterSeconds,
        responseBody,
        cause,
      });
    }
    const isCapacity = details.reasons.some((reason) => reason.startsWith('MODEL_CAPACITY_'));
    const isPerMinute = details.quotaIds.some((quotaId) => /PerMinute/i.test(quotaId));
    return new UpstreamApiError({
      message,
      url,
      statusCode: 429,
      responseBody,
      retryAfterSeconds: retryAfterSeconds ?? (isPerMinute ? 60 : undefined),
      // No capacity for this model: another model is the fix, not waiting (gemini-cli treats it as terminal).
      ...(isCapacity ? { isRetryable: false } : {}),
      cause,
    });
  }
  if (statusCode === 400 && !details.reasons.includes('API_KEY_INVALID')) {
    return new InvalidRequestError({ message, url, statusCode, responseBody, cause });
  }
  return new UpstreamApiError({
    message,
    url,
    statusCode,
    responseBody,
    retryAfterSeconds,
    // A rejected key or token stays rejected.
    ...(statusCode === 400 || statusCode === 401 || statusCode === 403 ? { isRetryable: false } : {}),
    cause,
  });
}

/** The body is `{error}`, or (Code Assist, streams) a one-element array of it. */
function readGoogleError(responseBody: string | undefined): GoogleError | undefined {
  let value = parseJsonOrUndefined(responseBody);
  if (Array.isArray(value) && value.length > 0) value = value[0];
  const parsed = googleErrorBodySchema.safeParse(value);
  return parsed.success ? parsed.data.error : undefined;
}

function readDetails(error: GoogleError | undefined): ErrorDetails {
  const result: ErrorDetails = { retryDelaySeconds: undefined, reasons: [], quotaIds: [] };
  for (const detail of error?.details ?? []) {
    if (typeof detail !== 'object' || detail == null) continue;
    const entry = detail as Record<string, unknown>;
    // gemini-cli saw `@type` keys with stray whitespace.
    const typeKey = Object.keys(entry).find((key) => key.trim() === '@type');
    const type = typeKey != null ? String(entry[typeKey]).trim() : '';
    if (type.endsWith('google.rpc.RetryInfo')) {
      result.retryDelaySeconds ??= parseDurationSeconds(stringOrUndefined(entry.retryDelay));
    } else if (type.endsWith('google.rpc.ErrorInfo')) {
      if (typeof entry.reason === 'string') result.reasons.push(entry.reason);
      const metadata = entry.metadata as Record<string, unknown> | undefined;
      result.retryDelaySeconds ??= parseDurationSeconds(stringOrUndefined(metadata?.quotaResetDelay));
    } else if (type.endsWith('google.rpc.QuotaFailure') && Array.isArray(entry.violations)) {
      for (const violation of entry.violations as Array<Record<string, unknown>>) {
        if (typeof violation?.quotaId === 'string') result.quotaIds.push(violation.quotaId);
      }
    }
  }
  return result;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
