import { z } from 'zod';
import type { RateLimitSnapshot, RateLimitWindow } from '../common/rate-limit-snapshot.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { type CodexAccountRequest, getCodexJson } from './get-codex-json.ts';

/** One window of `/wham/usage` (docs/codex-protocol.md §7.4); every field may be missing or null. */
const usageWindowSchema = z
  .looseObject({
    used_percent: z.number().nullish(),
    limit_window_seconds: z.number().nullish(),
    reset_after_seconds: z.number().nullish(),
    reset_at: z.number().nullish(),
  })
  .nullish();

/**
 * The part of the answer we read. Strict where it matters: a body without a `rate_limit` object, or with windows
 * that are not objects, is a changed shape (an error), never a guess.
 */
const whamUsageSchema = z.looseObject({
  plan_type: z.string().nullish(),
  rate_limit: z.looseObject({ primary_window: usageWindowSchema, secondary_window: usageWindowSchema }),
  credits: z
    .looseObject({
      has_credits: z.boolean().nullish(),
      unlimited: z.boolean().nullish(),
      balance: z.string().nullish(),
    })
    .nullish(),
});

/**
 * Asks the subscription's usage endpoint (`GET {baseUrl}/wham/usage`, `baseUrl` being the ChatGPT backend such as
 * `https://chatgpt.com/backend-api`) for the plan's windows, in the same snapshot shape as the `x-codex-*` headers
 * (docs/codex-protocol.md §7.3, §7.4). Throws the Codex error of a non-200 and an `UpstreamProtocolError` when the
 * body is not the documented shape, so the caller keeps what it had.
 */
export async function readCodexUsage(
  options: CodexAccountRequest & { baseUrl: string; now?: number },
): Promise<RateLimitSnapshot> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/wham/usage`;
  const data = await getCodexJson(url, whamUsageSchema, { ...options, what: 'Codex usage answer' });
  const now = options.now ?? Date.now();
  const { rate_limit: limits, plan_type: planType, credits } = data;
  const snapshot: RateLimitSnapshot = {};
  const primary = toWindow(limits.primary_window, now);
  const secondary = toWindow(limits.secondary_window, now);
  if (primary != null) snapshot.primary = primary;
  if (secondary != null) snapshot.secondary = secondary;
  if (primary == null && secondary == null) {
    // A 200 with no window at all tells nothing about the quota: treated as a changed shape.
    throw new UpstreamProtocolError({ message: 'The Codex usage answer has no usage window.', url, cause: undefined });
  }
  if (planType != null && planType !== '') snapshot.planType = planType;
  if (credits != null) {
    snapshot.credits = {
      hasCredits: credits.has_credits ?? undefined,
      unlimited: credits.unlimited ?? undefined,
      balance: credits.balance ?? undefined,
    };
  }
  return snapshot;
}

function toWindow(window: z.infer<typeof usageWindowSchema>, now: number): RateLimitWindow | undefined {
  if (window == null) return undefined;
  const usedPercent = window.used_percent ?? undefined;
  const windowMinutes = window.limit_window_seconds == null ? undefined : window.limit_window_seconds / 60;
  const resetsAt =
    window.reset_at != null
      ? new Date(window.reset_at * 1000)
      : window.reset_after_seconds != null
        ? new Date(now + window.reset_after_seconds * 1000)
        : undefined;
  if (usedPercent == null && windowMinutes == null && resetsAt == null) return undefined;
  return { usedPercent, windowMinutes, resetsAt };
}
