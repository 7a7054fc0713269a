/** One usage window of a subscription (Codex: primary = 5 hours, secondary = 1 week). */
export type RateLimitWindow = {
  usedPercent: number | undefined;
  windowMinutes: number | undefined;
  resetsAt: Date | undefined;
};

/** What the upstream told us about the account's limits on its last response (`x-codex-*` headers). */
export type RateLimitSnapshot = {
  primary?: RateLimitWindow;
  secondary?: RateLimitWindow;
  credits?: { hasCredits: boolean | undefined; unlimited: boolean | undefined; balance: string | undefined };
  planType?: string;
  /** Which limit family applies (`x-codex-active-limit`, e.g. `codex` or `premium`). */
  activeLimit?: string;
};

/** Whether two snapshots report the same limits: every field equal, the reset times to the millisecond. */
export function isSameRateLimitSnapshot(a: RateLimitSnapshot, b: RateLimitSnapshot): boolean {
  return (
    isSameWindow(a.primary, b.primary) &&
    isSameWindow(a.secondary, b.secondary) &&
    a.credits?.hasCredits === b.credits?.hasCredits &&
    a.credits?.unlimited === b.credits?.unlimited &&
    a.credits?.balance === b.credits?.balance &&
    (a.credits == null) === (b.credits == null) &&
    a.planType === b.planType &&
    a.activeLimit === b.activeLimit
  );
}

function isSameWindow(a: RateLimitWindow | undefined, b: RateLimitWindow | undefined): boolean {
  if (a == null || b == null) return a === b;
  return (
    a.usedPercent === b.usedPercent &&
    a.windowMinutes === b.windowMinutes &&
    a.resetsAt?.getTime() === b.resetsAt?.getTime()
  );
}
