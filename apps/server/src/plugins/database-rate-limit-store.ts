import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'drizzle-orm';
import type { RouteOptions } from 'fastify';
import { rateLimitCounters } from '../db/schema.ts';
import type { DomainContext } from '../domain/domain-context.ts';

type Result = { current: number; ttl: number };

/**
 * @fastify/rate-limit's store in the gateway's database instead of each process's memory, so that replicas on one
 * PostgreSQL count every attempt together (docs/postgres.md §4): six wrong passwords spread over two replicas are
 * six, not three and three. A fixed window per route and client key, counted with one upsert (no read-then-write,
 * so concurrent requests never lose a count). Only the options the gateway's routes use are honoured:
 * `continueExceeding` and `exponentialBackoff` are not (no route sets them).
 */
export function databaseRateLimitStore(context: DomainContext): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    readonly #prefix: string;

    constructor(_options?: unknown, prefix = '') {
      this.#prefix = prefix;
    }

    incr(key: string, callback: (error: Error | null, result?: Result) => void, timeWindow: number): void {
      countAttempt(context, `${this.#prefix}${key}`, timeWindow).then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: RouteOptions & { path: string; prefix: string }): FastifyRateLimitStore {
      const route = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
      const method = [route?.method ?? ''].flat().join(',');
      return new DatabaseRateLimitStore(undefined, `${method} ${route?.url ?? ''} `);
    }
  }
  return DatabaseRateLimitStore;
}

async function countAttempt(context: DomainContext, key: string, timeWindowMs: number): Promise<Result> {
  const now = context.now();
  const windowOver = sql`${rateLimitCounters.windowStartedAt} <= ${now - timeWindowMs}`;
  const [row] = await context.db
    .insert(rateLimitCounters)
    .values({ key, count: 1, windowStartedAt: new Date(now) })
    .onConflictDoUpdate({
      target: rateLimitCounters.key,
      set: {
        count: sql`case when ${windowOver} then 1 else ${rateLimitCounters.count} + 1 end`,
        windowStartedAt: sql`case when ${windowOver} then ${now} else ${rateLimitCounters.windowStartedAt} end`,
      },
    })
    .returning({ count: rateLimitCounters.count, windowStartedAt: rateLimitCounters.windowStartedAt });
  if (row === undefined) throw new Error('rate-limit counter upsert returned no row');
  return { current: row.count, ttl: Math.max(0, row.windowStartedAt.getTime() + timeWindowMs - now) };
}
