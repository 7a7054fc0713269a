import { GatewayClientError } from '@pag/client';

/** One plain sentence for a connect attempt that failed, before or after the consent page. */
export function describeConnectError(error: unknown, gatewayUrl?: string): string {
  const where = gatewayUrl == null ? 'the gateway' : `the gateway at ${gatewayUrl}`;
  if (error instanceof GatewayClientError) {
    if (error.code === 'network_error') return `Could not reach ${where}: check the address and that it is running.`;
    if (error.code === 'access_denied') return 'The connection was not approved on the gateway.';
    const message = error.message.trim();
    if (message !== '') return /[.!?]$/.test(message) ? message : `${message}.`;
  }
  // A browser says no more than "Failed to fetch" for an unreachable host or a refused cross-origin request.
  if (error instanceof TypeError) return `Could not reach ${where}: check the address and that it is running.`;
  return 'The connection did not complete. Please try again from Settings.';
}
