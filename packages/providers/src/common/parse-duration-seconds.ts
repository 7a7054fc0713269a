const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/**
 * Parses the durations upstreams put in error bodies: Google Duration strings (`"34.07s"`, `"539.477544ms"`),
 * compound ones (`"19h14m47s"`) and a bare number of seconds. Returns seconds, or undefined.
 */
export function parseDurationSeconds(text: string | null | undefined): number | undefined {
  if (text == null) return undefined;
  const normalized = text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/milliseconds?/g, 'ms')
    .replace(/seconds?|secs?/g, 's')
    .replace(/minutes?|mins?/g, 'm')
    .replace(/hours?/g, 'h');
  if (/^\d+(\.\d+)?$/.test(normalized)) return Number(normalized);
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(normalized)) return undefined;
  let total = 0;
  for (const match of normalized.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
  }
  return total;
}

const DELAY_IN_MESSAGE =
  /(?:try again|retry|reset) (?:in|after) ((?:\d+(?:\.\d+)?\s*(?:milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|h)\s*)+)/i;

/**
 * Finds "try again in 11.054s" (Codex), "Please retry in 54.88s." (Google) or "reset after 19h14m47s" inside a
 * message and returns the delay in seconds.
 */
export function findRetryDelayInMessage(message: string | null | undefined): number | undefined {
  if (message == null) return undefined;
  const match = DELAY_IN_MESSAGE.exec(message);
  return match?.[1] == null ? undefined : parseDurationSeconds(match[1]);
}
