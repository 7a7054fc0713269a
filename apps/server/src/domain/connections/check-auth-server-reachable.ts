import { GatewayError } from '../gateway-error.ts';
import type { ConnectionsContext } from './connections-context.ts';

/** A sign-in should not start on a guess: a few seconds tell a dead network from a slow one. */
const PROBE_TIMEOUT_MS = 5000;

/**
 * Checks that the gateway reaches auth.openai.com before a browser or paste sign-in starts: it must exchange the
 * code there at the end, and finding out then means the user signed in for nothing (or waited ten minutes for a
 * redirect that could not complete). Any HTTP answer counts as reachable; only a network failure or a timeout
 * does not.
 */
export async function checkAuthServerReachable(context: ConnectionsContext): Promise<void> {
  const fetchFunction = context.chatgpt.fetch ?? fetch;
  const url = `${context.chatgpt.authBaseUrl}/`;
  try {
    const response = await fetchFunction(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await response.body?.cancel();
  } catch (error) {
    const host = new URL(url).host;
    throw new GatewayError(
      'upstream_unavailable',
      `The gateway cannot reach ${host}, where the sign-in finishes: check the gateway machine's internet ` +
        'connection (or its proxy), then start the sign-in again.',
      { cause: error, retryAfterSeconds: 30 },
    );
  }
}
