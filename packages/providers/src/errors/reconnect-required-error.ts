import { ProviderErrorBase } from './provider-error-base.ts';

export type ReconnectRequiredErrorOptions = {
  message?: string | undefined;
  cause: unknown;
};

/**
 * The credential cannot be refreshed any more (revoked, reused or expired refresh token): the user has to sign in
 * again. Thrown by a `getCredentials` implementation; adapters let it through unchanged.
 */
export class ReconnectRequiredError extends ProviderErrorBase {
  readonly code = 'reconnect_required' as const;

  constructor(options: ReconnectRequiredErrorOptions) {
    super(options.message ?? 'The upstream account must be reconnected: its credentials can no longer be refreshed.', {
      cause: options.cause,
      isRetryable: false,
    });
  }
}
