import { headersToRecord } from '../common/headers-to-record.ts';
import type { RateLimitSnapshot, RateLimitWindow } from '../common/rate-limit-snapshot.ts';

/** Header names lower-cased (`UpstreamResponse.headers`). */
type HeaderRecord = Readonly<Record<string, string>>;

/**
 * Reads the `x-codex-*` rate-limit headers the backend sends on every `/responses` answer (200 and 429). Returns
 * undefined when none are present. Booleans arrive capitalised (`False`), so they are parsed case-insensitively.
 * @see docs/codex-protocol.md §7.3
 */
export function parseCodexRateLimits(
  from: Headers | Readonly<Record<string, string>>,
  now = Date.now(),
): RateLimitSnapshot | undefined {
  const headers = from instanceof Headers ? headersToRecord(from) : from;
  let hasAny = false;
  for (const name in headers) {
    if (name.startsWith('x-codex-')) {
      hasAny = true;
      break;
    }
  }
  if (!hasAny) return undefined;

  const snapshot: RateLimitSnapshot = {};
  const primary = readWindow(headers, 'primary', now);
  if (primary != null) snapshot.primary = primary;
  const secondary = readWindow(headers, 'secondary', now);
  if (secondary != null) snapshot.secondary = secondary;

  const hasCredits = parseBoolean(headers['x-codex-credits-has-credits']);
  const unlimited = parseBoolean(headers['x-codex-credits-unlimited']);
  const balance = headers['x-codex-credits-balance'] ?? undefined;
  if (hasCredits != null || unlimited != null || balance != null) {
    snapshot.credits = { hasCredits, unlimited, balance };
  }
  const planType = headers['x-codex-plan-type'];
  if (planType != null && planType !== '') snapshot.planType = planType;
  const activeLimit = headers['x-codex-active-limit'];
  if (activeLimit != null && activeLimit !== '') snapshot.activeLimit = activeLimit;
  return snapshot;
}

function readWindow(headers: HeaderRecord, name: 'primary' | 'secondary', now: number): RateLimitWindow | undefined {
  const usedPercent = parseNumber(headers[`x-codex-${name}-used-percent`]);
  const windowMinutes = parseNumber(headers[`x-codex-${name}-window-minutes`]);
  const resetAt = parseNumber(headers[`x-codex-${name}-reset-at`]);
  const resetAfterSeconds = parseNumber(headers[`x-codex-${name}-reset-after-seconds`]);
  // Newest Codex reads the absolute `reset-at`; older clients only had `reset-after-seconds`.
  const resetsAt =
    resetAt != null
      ? new Date(resetAt * 1000)
      : resetAfterSeconds != null
        ? new Date(now + resetAfterSeconds * 1000)
        : undefined;
  if (usedPercent == null && windowMinutes == null && resetsAt == null) return undefined;
  return { usedPercent, windowMinutes, resetsAt };
}

function parseNumber(value: string | undefined): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function parseBoolean(value: string | undefined): boolean | undefined {
  switch (value?.trim().toLowerCase()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return undefined;
  }
}
