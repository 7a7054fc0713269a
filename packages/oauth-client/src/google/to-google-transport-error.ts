import type { GoogleOAuthStep } from './google-oauth-error.ts';
import { GoogleOAuthError } from './google-oauth-error.ts';

/** A request that never got an answer (network down, DNS, timeout) is transient: the caller may retry later. */
export function toGoogleTransportError(options: { error: unknown; step: GoogleOAuthStep }): GoogleOAuthError {
  const { error, step } = options;
  if (error instanceof GoogleOAuthError) return error;
  const isTimeout = (error as Error)?.name === 'TimeoutError';
  return new GoogleOAuthError({
    kind: 'transient',
    step,
    message: isTimeout
      ? 'Google did not answer in time'
      : `could not reach Google: ${(error as Error)?.message ?? String(error)}`,
    cause: error,
  });
}
