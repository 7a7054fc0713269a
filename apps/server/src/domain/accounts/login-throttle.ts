/**
 * Counts failed sign-ins per account, whatever address they come from, so a password cannot be guessed by
 * spreading attempts over many IPs (the per-IP limit lives on the route). In memory: the server is the only
 * process that signs users in, and a restart granting a fresh window is acceptable for a few-user gateway.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  /** Bounds memory if someone sprays random emails. */
  readonly #maxTrackedAccounts = 10_000;

  constructor(options: { maxFailures: number; windowMs: number; now: () => number }) {
    this.#maxFailures = options.maxFailures;
    this.#windowMs = options.windowMs;
    this.#now = options.now;
  }

  /** Seconds until the account may try again, or null if it may try now. */
  retryAfterSeconds(account: string): number | null {
    const recent = this.#recent(account);
    if (recent.length < this.#maxFailures) return null;
    const oldest = recent[recent.length - this.#maxFailures] ?? this.#now();
    return Math.max(1, Math.ceil((oldest + this.#windowMs - this.#now()) / 1000));
  }

  recordFailure(account: string): void {
    const recent = this.#recent(account);
    recent.push(this.#now());
    this.#failures.delete(account);
    this.#failures.set(account, recent.slice(-this.#maxFailures));
    if (this.#failures.size > this.#maxTrackedAccounts) {
      const oldestKey = this.#failures.keys().next().value;
      if (oldestKey != null) this.#failures.delete(oldestKey);
    }
  }

  recordSuccess(account: string): void {
    this.#failures.delete(account);
  }

  #recent(account: string): number[] {
    const cutoff = this.#now() - this.#windowMs;
    return (this.#failures.get(account) ?? []).filter((time) => time > cutoff);
  }
}
