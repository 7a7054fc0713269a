import type { DomainContext } from './domain-context.ts';

/**
 * One kind of expired row to purge; each area defines its own (sessions, sign-in flows, OAuth codes, …) and the
 * maintenance scheduler runs them all (`run` answers how many rows it deleted). Shared here so the areas need not
 * import the scheduler that imports them.
 */
export type CleanupTask = { name: string; run: (context: DomainContext) => Promise<number> };
