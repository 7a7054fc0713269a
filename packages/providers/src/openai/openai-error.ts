import { type HttpFailure, mapSdkError, parseJsonOrUndefined } from '../common/map-sdk-error.ts';
import { findRetryDelayInMessage } from '../common/parse-duration-seconds.ts';
import { parseRetryAfter } from '../common/parse-retry-after.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { ProviderError } from '../errors/provider-error.ts';
import { QuotaExceededError } from '../errors/quota-exceeded-error.ts';
import { summarizeUpstreamText } from '../errors/summarize-upstream-text.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { type OpenAiErrorObject, openAiErrorBodySchema, openAiErrorObjectSchema } from './openai-api.ts';

/**
 * Turns what an OpenAI-compatible call throws (an AI SDK `APICallError`, a network failure) or streams (an error
 * chunk's `error` object) into our error classes. Our own errors and the caller's abort pass through.
 */
export function toOpenAiProviderError(error: unknown, options: { url: string }): Error {
  return mapSdkError(error, {
    url: options.url,
    mapHttpFailure: openAiHttpFailureToProviderError,
    mapOther: (other) => {
      if (other instanceof Error) return other;
      const parsed = openAiErrorObjectSchema.safeParse(other);
      if (parsed.success && parsed.data.message != null) {
        return streamErrorToProviderError(parsed.data, options.url, other);
      }
      return other instanceof Error
        ? other
        : new UpstreamProtocolError({
            message: `Unexpected upstream error: ${String(other)}`,
            url: options.url,
            cause: other,
          });
    },
  });
}

export function openAiHttpFailureToProviderError(failure: HttpFailure): ProviderError {
  const { url, statusCode, responseBody, responseHeaders } = failure;
  const parsed = openAiErrorBodySchema.safeParse(parseJsonOrUndefined(responseBody));
  const body = parsed.success ? parsed.data : undefined;
  const errorObject = body?.error != null && typeof body.error === 'object' ? body.error : undefined;
  // The upstream's own words only from its JSON error envelope, bounded and cleaned; a body of any other shape (an
  // HTML page, another service's output) is never passed on, only the status (issue 16).
  const summary = summarizeUpstreamText(
    errorObject?.message ?? (typeof body?.error === 'string' ? body.error : undefined) ?? body?.message,
  );
  const message = summary ?? `HTTP ${statusCode}`;

  if (statusCode === 400 || statusCode === 422) {
    return new InvalidRequestError({ message, url, statusCode, responseBody, cause: failure.cause });
  }
  if (statusCode === 429 && isQuotaExhausted(errorObject)) {
    return new QuotaExceededError({ message, url, responseBody, cause: failure.cause });
  }
  return new UpstreamApiError({
    message: summary == null ? `Upstream answered ${statusCode}.` : `Upstream answered ${statusCode}: ${summary}`,
    url,
    statusCode,
    responseBody,
    retryAfterSeconds: parseRetryAfter(responseHeaders) ?? findRetryDelayInMessage(message),
    cause: failure.cause,
  });
}

function streamErrorToProviderError(error: OpenAiErrorObject, url: string, cause: unknown): ProviderError {
  const message = summarizeUpstreamText(error.message) ?? 'The upstream stream failed.';
  const responseBody = JSON.stringify({ error });
  if (isQuotaExhausted(error)) return new QuotaExceededError({ message, url, responseBody, cause });
  if (error.code === 'rate_limit_exceeded' || error.type === 'rate_limit_exceeded') {
    return new UpstreamApiError({
      message,
      url,
      statusCode: 429,
      responseBody,
      retryAfterSeconds: findRetryDelayInMessage(message),
      cause,
    });
  }
  if (error.type === 'invalid_request_error' || error.code === 'context_length_exceeded') {
    return new InvalidRequestError({ message, url, responseBody, cause });
  }
  return new UpstreamApiError({
    message,
    url,
    statusCode: typeof error.code === 'number' ? error.code : 500,
    responseBody,
    cause,
  });
}

/** OpenAI's "You exceeded your current quota": billing, not a rate, so retrying soon does not help. */
function isQuotaExhausted(error: OpenAiErrorObject | undefined): boolean {
  return error?.code === 'insufficient_quota' || error?.type === 'insufficient_quota';
}
