import { ProviderErrorBase } from './provider-error-base.ts';

export type UpstreamConnectionErrorOptions = {
  message: string;
  url: string;
  cause: unknown;
};

/** The upstream could not be reached, or the connection dropped (including a stream closed before its end event). */
export class UpstreamConnectionError extends ProviderErrorBase {
  readonly code = 'upstream_connection_failed' as const;
  readonly url: string;

  constructor(options: UpstreamConnectionErrorOptions) {
    super(options.message, { cause: options.cause, isRetryable: true });
    this.url = options.url;
  }
}
