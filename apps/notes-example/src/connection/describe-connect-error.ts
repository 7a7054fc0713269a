import { GatewayClientError } from '@pag/client';

const UNREACHABLE = 'Could not reach the gateway: check its address and that it is running.';

/** One plain sentence for a connect attempt that failed, before or after the consent page. */
export function describeConnectError(error: unknown): string {
  if (error instanceof GatewayClientError) {
    if (error.code === 'network_error') return UNREACHABLE;
    if (error.code === 'access_denied') return 'The connection was not approved on the gateway.';
    const message = error.message.trim();
    if (message !== '') return /[.!?]$/.test(message) ? message : `${message}.`;
  }
  // A browser says no more than "Failed to fetch" for an unreachable host or a refused cross-origin request.
  if (error instanceof TypeError) return UNREACHABLE;
  return 'The connection did not complete: please try again from Settings.';
}
