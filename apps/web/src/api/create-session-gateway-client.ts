import { createGatewayClient, type GatewayClient } from '@pag/client';
import { CSRF_HEADER } from '@pag/contracts';

/**
 * The typed client note apps use (`@pag/client`), signed in with this browser's session cookie instead of a key:
 * same origin only, with the CSRF header the gateway asks of cookie-authenticated writes. The playground streams
 * through it with `useAiStream`, so the settings UI has no SSE reader of its own.
 */
export function createSessionGatewayClient(options: {
  csrfToken: string | null;
  /** Injected in tests, with the origin to call. */
  fetch?: typeof fetch;
  origin?: string;
}): GatewayClient {
  return createGatewayClient({
    baseUrl: options.origin ?? window.location.origin,
    headers: options.csrfToken == null ? {} : { [CSRF_HEADER]: options.csrfToken },
    ...(options.fetch == null ? {} : { fetch: options.fetch }),
  });
}
