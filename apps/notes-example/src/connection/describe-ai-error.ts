import { GatewayClientError } from '@pag/client';

/**
 * One plain sentence for the person using the app. The gateway's own messages already say what to fix (a usage
 * limit with its reset time, a model that cannot take the request); the codes below are the ones where this app
 * knows better what the user can do.
 */
export function describeAiError(error: unknown): string {
  if (!(error instanceof GatewayClientError)) return 'Something went wrong: please try again.';
  switch (error.code) {
    case 'network_error':
      return 'The gateway cannot be reached: check that it is running and try again.';
    case 'unauthenticated':
      return 'The gateway no longer accepts this app: connect it again in Settings.';
    case 'stream_lost':
      return 'The connection dropped and the answer could not be recovered: please try again.';
    case 'origin_not_allowed':
      return 'The gateway does not accept requests from this app’s address: connect the app again in Settings.';
    case 'embeddings_unavailable':
      return 'Related notes need a provider that makes embeddings: add an OpenAI or Gemini key in the gateway.';
    default:
      return asSentence(error.message);
  }
}

function asSentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === '') return 'The gateway could not answer: please try again.';
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** True when the gateway refused the app's credentials: the app was disconnected there. */
export function isUnauthenticated(error: unknown): boolean {
  return error instanceof GatewayClientError && error.code === 'unauthenticated';
}
