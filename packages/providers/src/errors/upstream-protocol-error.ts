import { ProviderErrorBase } from './provider-error-base.ts';

export type UpstreamProtocolErrorOptions = {
  message: string;
  url: string;
  cause: unknown;
};

/** The upstream answered 200 but sent something we cannot understand (an unparsable stream chunk). */
export class UpstreamProtocolError extends ProviderErrorBase {
  readonly code = 'upstream_protocol_error' as const;
  readonly url: string;

  constructor(options: UpstreamProtocolErrorOptions) {
    super(options.message, { cause: options.cause, isRetryable: true });
    this.url = options.url;
  }
}
