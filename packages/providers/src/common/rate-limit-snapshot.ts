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
