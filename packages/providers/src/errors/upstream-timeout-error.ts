import { ProviderErrorBase } from './provider-error-base.ts';

export type UpstreamTimeoutErrorOptions = {
  message: string;
  url: string;
  cause: unknown;
};

/** The upstream did not answer (or went silent mid-stream) within the allowed time. */
export class UpstreamTimeoutError extends ProviderErrorBase {
  readonly code = 'upstream_timeout' as const;
  readonly url: string;

  constructor(options: UpstreamTimeoutErrorOptions) {
    super(options.message, { cause: options.cause, isRetryable: true });
    this.url = options.url;
  }
}
