import { CodedTypeError } from '../coded-type-error.ts';
import type { FakeCodexTokenClaims } from './read-codex-token-claims.ts';

/** The values behind the `x-codex-*` headers of docs/codex-protocol.md §7.3 and `/wham/usage` (§7.4). */
export const DEFAULT_FAKE_CODEX_RATE_LIMITS = {
  primaryUsedPercent: 12,
  /** 300: the 5-hour window. */
  primaryWindowMinutes: 300,
  primaryResetAfterSeconds: 13_873,
  secondaryUsedPercent: 34,
  /** 10080: the weekly window. */
  secondaryWindowMinutes: 10_080,
  secondaryResetAfterSeconds: 316_705,
  primaryOverSecondaryLimitPercent: 0,
  /** `codex` or `premium`: which limit family applies. */
  activeLimit: 'codex',
  /** Default: the plan in the caller's access token, else `plus`. */
  planType: undefined as string | undefined,
  creditsHasCredits: false,
  creditsUnlimited: false,
  creditsBalance: '0',
  /** Sent as `x-codex-promo-message` when set. */
  promoMessage: undefined as string | undefined,
};

export type FakeCodexRateLimits = typeof DEFAULT_FAKE_CODEX_RATE_LIMITS;

/** The full header set, as sent on every `/responses` answer (200 and 429); `*-reset-at` derive from `now` (ms). */
export function buildCodexRateLimitHeaders(options: {
  rateLimits: Readonly<FakeCodexRateLimits>;
  now: number;
  /** The caller's plan, used when `rateLimits.planType` is unset. */
  planType: string | undefined;
}): Record<string, string> {
  const { rateLimits: limits } = options;
  const nowSeconds = Math.floor(options.now / 1000);
  // The real backend sends Python's str(bool); clients must parse case-insensitively (§7.3).
  const pythonBool = (value: boolean) => (value ? 'True' : 'False');
  return {
    'x-codex-primary-used-percent': String(limits.primaryUsedPercent),
    'x-codex-primary-window-minutes': String(limits.primaryWindowMinutes),
    'x-codex-primary-reset-after-seconds': String(limits.primaryResetAfterSeconds),
    'x-codex-primary-reset-at': String(nowSeconds + limits.primaryResetAfterSeconds),
    'x-codex-secondary-used-percent': String(limits.secondaryUsedPercent),
    'x-codex-secondary-window-minutes': String(limits.secondaryWindowMinutes),
    'x-codex-secondary-reset-after-seconds': String(limits.secondaryResetAfterSeconds),
    'x-codex-secondary-reset-at': String(nowSeconds + limits.secondaryResetAfterSeconds),
    'x-codex-primary-over-secondary-limit-percent': String(limits.primaryOverSecondaryLimitPercent),
    'x-codex-active-limit': limits.activeLimit,
    'x-codex-plan-type': limits.planType ?? options.planType ?? 'plus',
    'x-codex-credits-has-credits': pythonBool(limits.creditsHasCredits),
    'x-codex-credits-unlimited': pythonBool(limits.creditsUnlimited),
    'x-codex-credits-balance': limits.creditsBalance,
    ...(limits.promoMessage == null ? {} : { 'x-codex-promo-message': limits.promoMessage }),
  };
}

/**
 * The `GET /wham/usage` body (§7.4), from the same values as the headers so the two never disagree. The shape comes
 * from third-party clients; field order and extras are unverified.
 */
export function buildWhamUsageBody(options: {
  rateLimits: Readonly<FakeCodexRateLimits>;
  now: number;
  claims: FakeCodexTokenClaims;
}): Record<string, unknown> {
  const { rateLimits: limits, claims } = options;
  const nowSeconds = Math.floor(options.now / 1000);
  const window = (usedPercent: number, minutes: number, resetAfterSeconds: number) => ({
    used_percent: usedPercent,
    limit_window_seconds: minutes * 60,
    reset_after_seconds: resetAfterSeconds,
    reset_at: nowSeconds + resetAfterSeconds,
  });
  const isLimitReached = limits.primaryUsedPercent >= 100 || limits.secondaryUsedPercent >= 100;
  return {
    user_id: claims.userId ?? null,
    account_id: claims.accountId,
    email: claims.email ?? null,
    plan_type: limits.planType ?? claims.planType ?? 'plus',
    rate_limit: {
      allowed: !isLimitReached,
      limit_reached: isLimitReached,
      primary_window: window(limits.primaryUsedPercent, limits.primaryWindowMinutes, limits.primaryResetAfterSeconds),
      secondary_window: window(
        limits.secondaryUsedPercent,
        limits.secondaryWindowMinutes,
        limits.secondaryResetAfterSeconds,
      ),
    },
    code_review_rate_limit: null,
    credits: {
      has_credits: limits.creditsHasCredits,
      unlimited: limits.creditsUnlimited,
      balance: limits.creditsBalance,
    },
  };
}

/** Merges a partial update, rejecting unknown fields and wrong types (the HTTP hook passes its body straight in). */
export function mergeFakeCodexRateLimits(current: FakeCodexRateLimits, update: object): FakeCodexRateLimits {
  for (const [key, value] of Object.entries(update)) {
    if (!Object.hasOwn(DEFAULT_FAKE_CODEX_RATE_LIMITS, key)) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"rateLimits.${key}" is not a known field` });
    }
    const isText = key === 'planType' || key === 'promoMessage';
    const expected = isText ? 'string' : typeof DEFAULT_FAKE_CODEX_RATE_LIMITS[key as keyof FakeCodexRateLimits];
    const isFiniteOrNotNumber = typeof value !== 'number' || Number.isFinite(value);
    if (!((isText && value === undefined) || (typeof value === expected && isFiniteOrNotNumber))) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: `"rateLimits.${key}" must be a ${expected}` });
    }
  }
  return { ...current, ...update };
}
