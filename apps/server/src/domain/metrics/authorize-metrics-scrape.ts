import { GatewayError } from '../gateway-error.ts';
import { safeEqual } from '../security/secret-tokens.ts';

/** Addresses of this host: without a metrics token only they may scrape. */
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * Who may read `/metrics` (docs/metrics.md): with `GATEWAY_METRICS_TOKEN` set, a caller presenting it as a bearer
 * token (compared in constant time) from anywhere; without one, only a caller on this host — and only when no proxy
 * forwarded the request, because a reverse proxy on the same host would make every internet caller look local.
 * Throws `unauthenticated` (401) or `not_found` (404, as if there were no metrics) with what to do.
 */
export function authorizeMetricsScrape(options: {
  metricsToken: string | null;
  authorization: string | undefined;
  remoteAddress: string;
  isForwarded: boolean;
}): void {
  if (options.metricsToken != null) {
    const presented = /^Bearer\s+(.+)$/i.exec(options.authorization ?? '')?.[1]?.trim();
    if (presented == null || !safeEqual(presented, options.metricsToken)) {
      throw new GatewayError(
        'unauthenticated',
        'GET /metrics needs the metrics token: send "Authorization: Bearer <GATEWAY_METRICS_TOKEN>".',
      );
    }
    return;
  }
  if (!LOOPBACK.test(options.remoteAddress) || options.isForwarded) {
    throw new GatewayError(
      'not_found',
      'Metrics are served only to callers on the gateway host: set GATEWAY_METRICS_TOKEN to scrape from elsewhere.',
    );
  }
}
