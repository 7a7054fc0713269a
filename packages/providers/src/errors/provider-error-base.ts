/**
 * Every error code a provider adapter can throw (before output) or put in an `error` stream part (after output).
 * Callers switch on `code`, never on the message text.
 */
export type ProviderErrorCode =
  | 'upstream_api_error'
  | 'usage_limit_reached'
  | 'quota_exceeded'
  | 'reconnect_required'
  | 'invalid_request'
  | 'upstream_connection_failed'
  | 'upstream_timeout'
  | 'upstream_protocol_error';

export type ProviderErrorOptions = {
  /** The error this one wraps. Required (pass `undefined` explicitly) so wrapping never silently drops it. */
  cause: unknown;
  isRetryable: boolean;
};

/**
 * What every provider error class extends. Callers use `ProviderError` (./provider-error.ts), whose `instanceof`
 * narrows to the union of the concrete classes.
 */
export abstract class ProviderErrorBase extends Error {
  abstract readonly code: ProviderErrorCode;
  /** True when the same request may succeed if sent again later (to the same upstream and account). */
  readonly isRetryable: boolean;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.isRetryable = options.isRetryable;
  }
}
