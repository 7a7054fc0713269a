import { CodexOAuthError } from './codex-oauth-error.ts';

/** A request that never got an answer (network down, DNS, timeout) is transient: the caller may retry later. */
export function toTransportError(error: unknown): CodexOAuthError {
  if (error instanceof CodexOAuthError) return error;
  const isTimeout = (error as Error)?.name === 'TimeoutError';
  return new CodexOAuthError({
    kind: 'transient',
    message: isTimeout
      ? 'auth.openai.com did not answer in time'
      : `could not reach auth.openai.com: ${(error as Error)?.message ?? String(error)}`,
    cause: error,
  });
}
