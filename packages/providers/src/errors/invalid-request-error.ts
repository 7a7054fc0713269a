import { ProviderErrorBase } from './provider-error-base.ts';
import { truncateResponseBody } from './truncate-response-body.ts';

export type InvalidRequestErrorOptions = {
  /** Says what was wrong, e.g. the Codex `detail` text "Unsupported parameter: max_output_tokens". */
  message: string;
  url: string;
  statusCode?: number | undefined;
  responseBody?: string | undefined;
  cause: unknown;
};

/** The upstream rejected the request as invalid (400 validation). Sending it again will not help. */
export class InvalidRequestError extends ProviderErrorBase {
  readonly code = 'invalid_request' as const;
  readonly url: string;
  readonly statusCode: number;
  readonly responseBody: string | undefined;

  constructor(options: InvalidRequestErrorOptions) {
    super(options.message, { cause: options.cause, isRetryable: false });
    this.url = options.url;
    this.statusCode = options.statusCode ?? 400;
    this.responseBody = truncateResponseBody(options.responseBody);
  }
}
