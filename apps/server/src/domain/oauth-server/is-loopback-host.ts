const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * A loopback host name as URL.hostname spells it (IPv6 in brackets). A file of its own so that the consent page,
 * which asks it at start-up time already, does not import oidc-provider with the redirect rules (issue 22).
 */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}
