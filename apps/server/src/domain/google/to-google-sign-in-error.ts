import { GoogleOAuthError } from '@pag/oauth-client';
import { GatewayError } from '../gateway-error.ts';

/** What the user is told when connecting a Google account fails, by what they can do about it. */
export function toGoogleSignInError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (!(error instanceof GoogleOAuthError)) {
    return new GatewayError('sign_in_failed', 'The Google sign-in could not be completed.', { cause: error });
  }
  switch (error.kind) {
    case 'access_denied':
      return new GatewayError(
        'sign_in_failed',
        'Google access was not granted: allow access to the Generative Language API on the consent screen.',
        { cause: error },
      );
    case 'invalid_client':
      return new GatewayError(
        'sign_in_failed',
        'Google refused the OAuth client: check the client id and secret under Settings → Connections → Advanced (Google account).',
        { cause: error },
      );
    case 'invalid_grant':
      return new GatewayError(
        'sign_in_failed',
        'Google refused the sign-in code (expired, used, or the redirect URI differs): start again.',
        { cause: error, details: error.message },
      );
    case 'transient':
      return new GatewayError('upstream_unavailable', 'Google is not answering properly: try again in a moment.', {
        cause: error,
        retryAfterSeconds: error.retryAfterSeconds ?? 30,
        details: error.message,
      });
    default:
      // Such as a token answer that fails its checks ("unexpected JWT iss claim value"): the words are for Details.
      return new GatewayError('sign_in_failed', 'The Google sign-in could not be completed: start it again.', {
        cause: error,
        details: error.message,
      });
  }
}
