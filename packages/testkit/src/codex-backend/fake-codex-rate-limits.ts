import { CodedTypeError } from '../coded-type-error.ts';

/** The values behind the `x-codex-*` headers of docs/codex-protocol.md §7.3. */
export type FakeCodexRateLimits = {
  primaryUsedPercent: number;
  /** 300: the 5-hour window. */
  primaryWindowMinutes: number;
  primaryResetAfterSeconds: number;
  secondaryUsedPercent: number;
  /** 10080: the weekly window. */
  secondaryWindowMinutes: number;
  secondaryResetAfterSeconds: number;
  primaryOverSecondaryLimitPercent: number;
  /** `codex` or `premium`: which limit family applies. */
  activeLimit: string;
  /** Default: the plan in the caller's access token, else `plus`. */
  planType: string | undefined;
  creditsHasCredits: boolean;
  creditsUnlimited: boolean;
  creditsBalance: string;
  /** Sent as `x-codex-promo-message` when set. */
  promoMessage: string | undefined;
};

export const DEFAULT_FAKE_CODEX_RATE_LIMITS: Readonly<FakeCodexRateLimits> = {
  primaryUsedPercent: 12,
  primaryWindowMinutes: 300,
  primaryResetAfterSeconds: 13_873,
  secondaryUsedPercent: 34,
  secondaryWindowMinutes: 10_080,
  secondaryResetAfterSeconds: 316_705,
  primaryOverSecondaryLimitPercent: 0,
  activeLimit: 'codex',
  planType: undefined,
  creditsHasCredits: false,
  creditsUnlimited: false,
  creditsBalance: '0',
  promoMessage: undefined,
};

export type BuildCodexRateLimitHeadersOptions = {
  rateLimits: Readonly<FakeCodexRateLimits>;
  /** Milliseconds since the epoch; the `*-reset-at` headers are derived from it. */
  now: number;
  /** The caller's plan, used when `rateLimits.planType` is unset. */
  planType: string | undefined;
};

/** The full header set, as sent on every `/responses` answer (200 and 429). */
export function buildCodexRateLimitHeaders(options: BuildCodexRateLimitHeadersOptions): Record<string, string> {
  const { rateLimits } = options;
  const nowSeconds = Math.floor(options.now / 1000);
  const headers: Record<string, string> = {
    'x-codex-primary-used-percent': String(rateLimits.primaryUsedPercent),
    'x-codex-primary-window-minutes': String(rateLimits.primaryWindowMinutes),
    'x-codex-primary-reset-after-seconds': String(rateLimits.primaryResetAfterSeconds),
    'x-codex-primary-reset-at': String(nowSeconds + rateLimits.primaryResetAfterSeconds),
    'x-codex-secondary-used-percent': String(rateLimits.secondaryUsedPercent),
    'x-codex-secondary-window-minutes': String(rateLimits.secondaryWindowMinutes),
    'x-codex-secondary-reset-after-seconds': String(rateLimits.secondaryResetAfterSeconds),
    'x-codex-secondary-reset-at': String(nowSeconds + rateLimits.secondaryResetAfterSeconds),
    'x-codex-primary-over-secondary-limit-percent': String(rateLimits.primaryOverSecondaryLimitPercent),
    'x-codex-active-limit': rateLimits.activeLimit,
    'x-codex-plan-type': rateLimits.planType ?? options.planType ?? 'plus',
    // The real backend sends Python's str(bool); clients must parse case-insensitively (§7.3).
    'x-codex-credits-has-credits': pythonBool(rateLimits.creditsHasCredits),
    'x-codex-credits-unlimited': pythonBool(rateLimits.creditsUnlimited),
    'x-codex-credits-balance': rateLimits.creditsBalance,
  };
  if (rateLimits.promoMessage != null) headers['x-codex-promo-message'] = rateLimits.promoMessage;
  return headers;
}

/** Merges a partial update into `current`, rejecting wrong types so a typo fails the test that made it. */
export function mergeFakeCodexRateLimits(options: {
  current: Readonly<FakeCodexRateLimits>;
  update: Partial<FakeCodexRateLimits>;
}): FakeCodexRateLimits {
  const { update } = options;
  if (update == null || typeof update !== 'object') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"rateLimits" must be an object' });
  }
  const merged = { ...options.current };
  for (const [key, value] of Object.entries(update)) {
    if (!(key in DEFAULT_FAKE_CODEX_RATE_LIMITS)) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"rateLimits.${key}" is not a known field` });
    }
    const expected = typeof DEFAULT_FAKE_CODEX_RATE_LIMITS[key as keyof FakeCodexRateLimits];
    const isOptionalText = key === 'planType' || key === 'promoMessage';
    const isValid = isOptionalText ? value === undefined || typeof value === 'string' : typeof value === expected;
    if (!isValid || (typeof value === 'number' && !Number.isFinite(value))) {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_TYPE',
        message: `"rateLimits.${key}" must be ${isOptionalText ? 'a string' : `a ${expected}`}`,
      });
    }
    Object.assign(merged, { [key]: value });
  }
  return merged;
}

function pythonBool(value: boolean): string {
  return value ? 'True' : 'False';
}
