import { CallbackInputError, CodexOAuthError } from '@pag/oauth-client';
import { GatewayError } from '../gateway-error.ts';

/**
 * Maps a failure of an auth.openai.com step during sign-in to what the user sees. Upstream trouble becomes
 * `upstream_unavailable` with a retry hint; a refused code or declined consent is `sign_in_failed`.
 */
export function toSignInGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof CallbackInputError) return new GatewayError('invalid_request', error.message, { cause: error });
  if (error instanceof CodexOAuthError) {
    switch (error.kind) {
      case 'transient':
        return new GatewayError(
          'upstream_unavailable',
          'OpenAI’s sign-in is not answering properly: try again in a moment.',
          {
            cause: error,
            retryAfterSeconds: error.retryAfterSeconds ?? 30,
            details: error.message,
          },
        );
      case 'device_code_disabled':
        return new GatewayError(
          'sign_in_failed',
          'Device-code sign-in is not enabled for this account. In ChatGPT open Settings → Security and turn on ' +
            '"device code authorization for Codex" (workspace members need their admin to allow it), then try ' +
            'again — or use browser or paste sign-in.',
          { cause: error },
        );
      case 'access_denied':
        return new GatewayError('sign_in_failed', 'The sign-in was declined at ChatGPT.', { cause: error });
      case 'invalid_grant':
        return new GatewayError(
          'sign_in_failed',
          'ChatGPT refused the sign-in code (it may have expired or been used already): start the sign-in again.',
          { cause: error, details: error.message },
        );
      default:
        return new GatewayError('sign_in_failed', 'The sign-in could not be completed: start it again.', {
          cause: error,
          details: error.message,
        });
    }
  }
  return new GatewayError('sign_in_failed', 'The sign-in could not be completed.', { cause: error });
}
