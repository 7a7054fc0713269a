import type { RateLimitSnapshot } from '../common/rate-limit-snapshot.ts';
import { ProviderErrorBase } from './provider-error-base.ts';

export type UsageLimitErrorOptions = {
  message: string;
  /** When the plan's usage window resets. */
  resetsAt: Date | undefined;
  planType?: string | undefined;
  retryAfterSeconds?: number | undefined;
  /** The `x-codex-*` snapshot of the failing response, when it had one. */
  rateLimits?: RateLimitSnapshot | undefined;
  cause: unknown;
};

/**
 * The subscription's usage limit is exhausted (Codex `usage_limit_reached`). Not retryable on this account until
 * `resetsAt`; the router should fail over instead of looping.
 */
export class UsageLimitError extends ProviderErrorBase {
  readonly code = 'usage_limit_reached' as const;
  readonly statusCode = 429;
  readonly resetsAt: Date | undefined;
  readonly planType: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly rateLimits: RateLimitSnapshot | undefined;

  constructor(options: UsageLimitErrorOptions) {
    super(options.message, { cause: options.cause, isRetryable: false });
    this.resetsAt = options.resetsAt;
    this.planType = options.planType;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.rateLimits = options.rateLimits;
  }
}
