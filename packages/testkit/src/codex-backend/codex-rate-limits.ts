import { invalidType, invalidValue } from '../coded-type-error.ts';
import type { FakeCodexTokenClaims } from './authorize-codex-request.ts';

/** The values behind the `x-codex-*` headers of docs/codex-protocol.md §7.3 and `/wham/usage` (§7.4). */
export const DEFAULT_FAKE_CODEX_RATE_LIMITS = {
  primaryUsedPercent: 12,
  primaryWindowMinutes: 300, // 5 hours
  primaryResetAfterSeconds: 13_873,
  secondaryUsedPercent: 34,
  secondaryWindowMinutes: 10_080, // a week
  secondaryResetAfterSeconds: 316_705,
  primaryOverSecondaryLimitPercent: 0,
  activeLimit: 'codex', // or `premium`: which limit family applies
  planType: undefined as string | undefined, // unset: the caller's plan, else `plus`
  creditsHasCredits: false,
  creditsUnlimited: false,
  creditsBalance: '0',
  promoMessage: undefined as string | undefined,
};

export type FakeCodexRateLimits = typeof DEFAULT_FAKE_CODEX_RATE_LIMITS;

/**
 * The headers of every `/responses` answer (200 and 429): `x-codex-<kebab-case field>`, each `*-reset-after-seconds`
 * with its `*-reset-at`, booleans as Python's str(bool) as the real backend sends (§7.3), an unset promo left out.
 */
export function buildCodexRateLimitHeaders(options: {
  rateLimits: Readonly<FakeCodexRateLimits>;
  now: number;
  planType: string | undefined;
}): Record<string, string> {
  const { rateLimits } = options;
  const headers: Record<string, string> = {};
  const planType = rateLimits.planType ?? options.planType ?? 'plus';
  for (const [key, value] of Object.entries({ ...rateLimits, planType })) {
    if (value == null) continue;
    const name = `x-codex-${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    headers[name] = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
    if (name.endsWith('-reset-after-seconds')) {
      headers[name.replace('-after-seconds', '-at')] = String(Math.floor(options.now / 1000) + Number(value));
    }
  }
  return headers;
}

/** The `GET /wham/usage` body (§7.4; shape from third-party clients), from the values the headers report. */
export function buildWhamUsageBody(options: {
  rateLimits: Readonly<FakeCodexRateLimits>;
  now: number;
  claims: FakeCodexTokenClaims;
}): Record<string, unknown> {
  const { rateLimits: limits, claims } = options;
  const nowSeconds = Math.floor(options.now / 1000);
  const window = (name: 'primary' | 'secondary') => ({
    used_percent: limits[`${name}UsedPercent`],
    limit_window_seconds: limits[`${name}WindowMinutes`] * 60,
    reset_after_seconds: limits[`${name}ResetAfterSeconds`],
    reset_at: nowSeconds + limits[`${name}ResetAfterSeconds`],
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
      primary_window: window('primary'),
      secondary_window: window('secondary'),
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
      throw invalidValue(`"rateLimits.${key}" is not a known field`);
    }
    const isText = key === 'planType' || key === 'promoMessage';
    const expected = isText ? 'string' : typeof DEFAULT_FAKE_CODEX_RATE_LIMITS[key as keyof FakeCodexRateLimits];
    const isFiniteOrNotNumber = typeof value !== 'number' || Number.isFinite(value);
    if (!((isText && value === undefined) || (typeof value === expected && isFiniteOrNotNumber))) {
      throw invalidType(`"rateLimits.${key}" must be a ${expected}`);
    }
  }
  return { ...current, ...update };
}
