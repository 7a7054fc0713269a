import type { ConnectionRow } from './to-connection-dto.ts';

/**
 * How long before its expiry an access token is refreshed: the configured window, but at most half the token's
 * lifetime. Without that cap a token living shorter than the window would be due the moment it arrives, and every
 * request would refresh it. The lifetime is what the token had left when we received it (its expiry, from the JWT
 * `exp` or `expires_in`, minus the time of the sign-in or refresh that brought it: docs/codex-protocol.md §3, §4.2).
 */
export function effectiveRefreshWindowMs(
  row: Pick<ConnectionRow, 'accessTokenExpiresAt' | 'lastRefreshAt' | 'connectedAt'>,
  configuredWindowMs: number,
): number {
  if (row.accessTokenExpiresAt == null) return configuredWindowMs;
  const lifetimeMs = row.accessTokenExpiresAt.getTime() - (row.lastRefreshAt ?? row.connectedAt).getTime();
  // Already expired when it arrived: nothing to halve, the token is simply due.
  if (lifetimeMs <= 0) return configuredWindowMs;
  return Math.min(configuredWindowMs, lifetimeMs / 2);
}
