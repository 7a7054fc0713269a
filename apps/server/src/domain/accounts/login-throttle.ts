import { and, desc, eq, gt, lte } from 'drizzle-orm';
import { signInFailures } from '../../db/schema.ts';
import type { CleanupTask } from '../cleanup-task.ts';
import type { DomainContext } from '../domain-context.ts';

/**
 * Counts failed sign-ins per account, whatever address they come from, so a password cannot be guessed by
 * spreading attempts over many IPs (the per-IP limit lives on the route): `maxFailures` failures within `windowMs`
 * lock the account until the oldest of them leaves the window. In the database, so that replicas on one PostgreSQL
 * share the count (docs/postgres.md §4) and a restart grants no fresh window; the cleanup scheduler purges rows
 * older than the window.
 */
/** The gateway's limit: 5 failed sign-ins per account in 15 minutes. */
export const LOGIN_THROTTLE_LIMIT = { maxFailures: 5, windowMs: 15 * 60_000 } as const;

export class LoginThrottle {
  readonly #context: DomainContext;
  readonly #maxFailures: number;
  readonly #windowMs: number;

  constructor(options: DomainContext & { maxFailures: number; windowMs: number }) {
    this.#context = { db: options.db, now: options.now };
    this.#maxFailures = options.maxFailures;
    this.#windowMs = options.windowMs;
  }

  /** Seconds until the account may try again, or null if it may try now. */
  async retryAfterSeconds(account: string): Promise<number | null> {
    const now = this.#context.now();
    const recent = await this.#context.db
      .select({ failedAt: signInFailures.failedAt })
      .from(signInFailures)
      .where(and(eq(signInFailures.account, account), gt(signInFailures.failedAt, new Date(now - this.#windowMs))))
      .orderBy(desc(signInFailures.failedAt))
      .limit(this.#maxFailures);
    const oldest = recent[this.#maxFailures - 1];
    if (oldest === undefined) return null;
    return Math.max(1, Math.ceil((oldest.failedAt.getTime() + this.#windowMs - now) / 1000));
  }

  async recordFailure(account: string): Promise<void> {
    await this.#context.db.insert(signInFailures).values({ account, failedAt: new Date(this.#context.now()) });
  }

  async recordSuccess(account: string): Promise<void> {
    await this.#context.db.delete(signInFailures).where(eq(signInFailures.account, account));
  }
}

/** Purges failures that no longer count for any account (a cleanup task). */
export function expiredSignInFailuresTask(windowMs: number): CleanupTask {
  return {
    name: 'sign-in-failures',
    run: async (context) => {
      const deleted = await context.db
        .delete(signInFailures)
        .where(lte(signInFailures.failedAt, new Date(context.now() - windowMs)))
        .returning({ id: signInFailures.id });
      return deleted.length;
    },
  };
}
