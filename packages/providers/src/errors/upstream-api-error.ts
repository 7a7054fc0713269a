import { ProviderErrorBase } from './provider-error-base.ts';
import { truncateResponseBody } from './truncate-response-body.ts';

export type UpstreamApiErrorOptions = {
  message: string;
  url: string;
  statusCode: number;
  responseBody?: string | undefined;
  /** Seconds the upstream asked us to wait (Retry-After header, Google RetryInfo, "try again in Ns"). */
  retryAfterSeconds?: number | undefined;
  /** Defaults to true for 408, 409, 429 and 5xx. */
  isRetryable?: boolean | undefined;
  cause: unknown;
};

/** The upstream answered with an HTTP error (or an in-stream failure that stands for one). */
export class UpstreamApiError extends ProviderErrorBase {
  readonly code = 'upstream_api_error' as const;
  readonly url: string;
  readonly statusCode: number;
  /** At most 2 kB of the upstream's error body. */
  readonly responseBody: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(options: UpstreamApiErrorOptions) {
    super(options.message, {
      cause: options.cause,
      isRetryable: options.isRetryable ?? isRetryableStatus(options.statusCode),
    });
    this.url = options.url;
    this.statusCode = options.statusCode;
    this.responseBody = truncateResponseBody(options.responseBody);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isRetryableStatus(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500;
}
