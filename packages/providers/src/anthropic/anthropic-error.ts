import { z } from 'zod';
import { type HttpFailure, mapSdkError, parseJsonOrUndefined } from '../common/map-sdk-error.ts';
import { parseRetryAfter } from '../common/parse-retry-after.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { ProviderError } from '../errors/provider-error.ts';
import { summarizeUpstreamText } from '../errors/summarize-upstream-text.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';

/** Anthropic's error object, in an HTTP body (`{"type":"error","error":{…}}`) and in a stream's `error` event. */
const anthropicErrorObjectSchema = z.object({ type: z.string(), message: z.string().optional() });
const anthropicErrorBodySchema = z.object({ type: z.literal('error'), error: anthropicErrorObjectSchema });

/** The status Anthropic answers each error type with (docs/anthropic-protocol.md, "Errors"). */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/**
 * Turns what an Anthropic call throws (an AI SDK `APICallError`) or streams (an `error` event's object) into our
 * error classes. Our own errors and the caller's abort pass through.
 * @see docs/anthropic-protocol.md "The Anthropic API as an upstream"
 */
export function toAnthropicProviderError(error: unknown, options: { url: string }): Error {
  return mapSdkError(error, {
    url: options.url,
    mapHttpFailure: anthropicHttpFailureToProviderError,
    mapOther: (other) => {
      if (other instanceof Error) return other;
      const parsed = anthropicErrorObjectSchema.safeParse(other);
      if (parsed.success) {
        const statusCode = STATUS_BY_TYPE[parsed.data.type] ?? 500;
        return anthropicHttpFailureToProviderError({
          url: options.url,
          statusCode,
          responseBody: JSON.stringify({ type: 'error', error: other }),
          responseHeaders: undefined,
          cause: other,
        });
      }
      return new UpstreamProtocolError({
        message: `Unexpected upstream error: ${String(other)}`,
        url: options.url,
        cause: other,
      });
    },
  });
}

export function anthropicHttpFailureToProviderError(failure: HttpFailure): ProviderError {
  const { url, statusCode, responseBody, responseHeaders, cause } = failure;
  const parsed = anthropicErrorBodySchema.safeParse(parseJsonOrUndefined(responseBody));
  // The upstream's words only from its own JSON envelope, bounded and cleaned (issue 16).
  const summary = summarizeUpstreamText(parsed.success ? parsed.data.error.message : undefined);
  const type = parsed.success ? parsed.data.error.type : undefined;
  if (statusCode === 400 || statusCode === 413 || (type === 'invalid_request_error' && statusCode < 500)) {
    return new InvalidRequestError({ message: summary ?? `HTTP ${statusCode}`, url, statusCode, responseBody, cause });
  }
  return new UpstreamApiError({
    message: summary == null ? `Upstream answered ${statusCode}.` : `Upstream answered ${statusCode}: ${summary}`,
    url,
    statusCode,
    responseBody,
    retryAfterSeconds: parseRetryAfter(responseHeaders),
    // A refused key, a missing permission or an unpaid bill stays refused however often it is retried.
    ...(statusCode === 401 || statusCode === 402 || statusCode === 403 ? { isRetryable: false } : {}),
    cause,
  });
}
