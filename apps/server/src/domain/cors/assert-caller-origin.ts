import type { CallerPolicy } from '@pag/contracts';
import { GatewayError } from '../gateway-error.ts';

/**
 * A real cross-origin request, once its caller is known: the origin must be in that caller's own `allowedOrigins`
 * or the operator's `GATEWAY_CORS_ORIGINS` (docs/cors.md). Another key's allowance does not count: a page allowed
 * for one key cannot use a different key that a user pasted into it.
 */
export function assertCallerOrigin(options: {
  origin: string;
  policy: CallerPolicy;
  operatorOrigins: readonly string[];
}): void {
  const { origin, policy, operatorOrigins } = options;
  if (policy.allowedOrigins.includes(origin) || operatorOrigins.includes(origin)) return;
  throw new GatewayError(
    'origin_not_allowed',
    `Requests from the web page at ${origin} are not allowed with this credential. Add ${origin} to its allowed ` +
      'origins in the gateway (Settings → API keys, or Settings → Connected apps), or ask the operator to add it to ' +
      'GATEWAY_CORS_ORIGINS.',
  );
}
