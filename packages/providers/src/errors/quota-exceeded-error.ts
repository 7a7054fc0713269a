import { ProviderErrorBase } from './provider-error-base.ts';

export type QuotaExceededErrorOptions = {
  message: string;
  url: string;
  /** Google `QuotaFailure.violations[].quotaId` (e.g. `GenerateRequestsPerDayPerProjectPerModel-FreeTier`). */
  quotaId?: string | undefined;
  retryAfterSeconds?: number | undefined;
  responseBody?: string | undefined;
  cause: unknown;
};

/**
 * A hard quota is used up (Google daily quota, `limit: 0`, OpenAI `insufficient_quota`). Unlike a per-minute rate
 * limit this does not clear soon, so it is not retryable.
 */
export class QuotaExceededError extends ProviderErrorBase {
  readonly code = 'quota_exceeded' as const;
  readonly statusCode = 429;
  readonly url: string;
  readonly quotaId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly responseBody: string | undefined;

  constructor(options: QuotaExceededErrorOptions) {
    super(options.message, { cause: options.cause, isRetryable: false });
    this.url = options.url;
    this.quotaId = options.quotaId;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.responseBody = options.responseBody;
  }
}
