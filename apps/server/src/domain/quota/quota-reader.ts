import type { QuotaAnswer, QuotaWindow } from '@pag/contracts';
import type { RateLimitSnapshot } from '@pag/providers';
import { and, asc, eq, gte } from 'drizzle-orm';
import { connections, quotaSnapshots } from '../../db/schema.ts';
import type { ConnectionRow } from '../connections/to-connection-dto.ts';
import type { DomainContext } from '../domain-context.ts';
import type { QuotaLevels } from '../gateway/route-plan.ts';

/** The settings page asks at most this often (it polls while open); an older snapshot is read again first. */
export const QUOTA_UI_MAX_AGE_MS = 60_000;
/** Before routing, a snapshot older than this is read again (a busy subscription refreshes it by its headers). */
export const QUOTA_ROUTING_MAX_AGE_MS = 5 * 60_000;
/** How long a request waits for that reading before it routes on the old snapshot (the reading goes on). */
export const QUOTA_ROUTING_WAIT_MS = 400;
/** How long one reading of the usage endpoint may take at most, on top of the upstream fetch's own timeouts. */
const READ_TIMEOUT_MS = 5_000;
/** After a failed reading, no new one for this long: a broken endpoint is not asked on every request. */
const FAILURE_BACKOFF_MS = 60_000;
/** The answers' headers add a history point at most this often per user (every answer carries them). */
const HEADER_HISTORY_INTERVAL_MS = 5 * 60_000;
/** The quota history shown with the windows. */
const HISTORY_SPAN_MS = 7 * 24 * 60 * 60_000;

export type QuotaReaderOptions = {
  context: DomainContext;
  /** The user's ChatGPT connection (null when none). */
  findConnection: (userId: string) => Promise<ConnectionRow | null>;
  /** The binding's reading of the usage endpoint (`ChatgptBinding.readUsage`). */
  readUsage: (userId: string, abortSignal: AbortSignal) => Promise<RateLimitSnapshot>;
  log: { warn: (object: object, message: string) => void };
};

/**
 * The subscription's live quota (issue 19): reads the usage endpoint (docs/codex-protocol.md §7.4) when the stored
 * snapshot is older than the caller allows — the settings page, or the router before a request — and keeps the
 * reading on the connection (where the `x-codex-*` headers of every answer also land) and in the quota history.
 * A reading that fails or finds a changed shape leaves the stored snapshot as it was. One reading per user at a
 * time; after a failure, none for a minute.
 */
export class QuotaReader {
  readonly #options: QuotaReaderOptions;
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #failedAt = new Map<string, number>();
  /** When each user's history last got a point (one entry per user whose subscription is in use). */
  readonly #lastPointAt = new Map<string, number>();

  constructor(options: QuotaReaderOptions) {
    this.#options = options;
  }

  /** `GET /api/usage/quota`: the windows now (read again when older than a minute) and their history. */
  async readQuota(userId: string): Promise<QuotaAnswer> {
    await this.#freshen(userId, QUOTA_UI_MAX_AGE_MS, null);
    const connection = await this.#options.findConnection(userId);
    return {
      ...toQuotaWindows(connection),
      history: await this.#history(userId),
    };
  }

  /**
   * The windows' use for the router: read again when older than five minutes, but a request waits for that at most
   * `QUOTA_ROUTING_WAIT_MS`, then routes on what is stored. Null: no subscription or nothing known.
   */
  async levelsForRouting(userId: string): Promise<QuotaLevels | null> {
    await this.#freshen(userId, QUOTA_ROUTING_MAX_AGE_MS, QUOTA_ROUTING_WAIT_MS);
    const { windows } = toQuotaWindows(await this.#options.findConnection(userId));
    if (windows.length === 0) return null;
    const used = (name: QuotaWindow['window']) => windows.find((window) => window.window === name)?.usedPercent ?? null;
    return { fiveHourUsedPercent: used('5h'), weeklyUsedPercent: used('weekly') };
  }

  /**
   * A snapshot from an answer's `x-codex-*` headers (stored on the connection by the binding) as a history point, at
   * most one per five minutes: a busy subscription keeps its history without asking the usage endpoint. Never
   * rejects: a lost history point is logged, and must not fail the answer whose headers it came from.
   */
  async recordHeaderSnapshot(userId: string, snapshot: RateLimitSnapshot): Promise<void> {
    const last = this.#lastPointAt.get(userId);
    if (last != null && this.#options.context.now() - last < HEADER_HISTORY_INTERVAL_MS) return;
    if (snapshot.primary?.usedPercent == null && snapshot.secondary?.usedPercent == null) return;
    try {
      await this.#addPoint(userId, 'headers', snapshot);
    } catch (error) {
      this.#options.log.warn({ err: error }, 'could not store a quota history point');
    }
  }

  async #addPoint(userId: string, source: 'usage-endpoint' | 'headers', snapshot: RateLimitSnapshot): Promise<void> {
    const now = this.#options.context.now();
    // Taken before the insert awaits: answers arriving meanwhile see the point as recorded and add none of their own.
    this.#lastPointAt.set(userId, now);
    await this.#options.context.db.insert(quotaSnapshots).values({
      userId,
      observedAt: new Date(now),
      source,
      fiveHourUsedPercent: snapshot.primary?.usedPercent ?? null,
      weeklyUsedPercent: snapshot.secondary?.usedPercent ?? null,
    });
  }

  /** Waits (at most `waitMs`, null: until done) for a reading when the stored snapshot is older than `maxAgeMs`. */
  async #freshen(userId: string, maxAgeMs: number, waitMs: number | null): Promise<void> {
    const { context } = this.#options;
    const connection = await this.#options.findConnection(userId);
    if (connection == null || connection.state !== 'connected') return;
    const now = context.now();
    const at = connection.rateLimitsAt?.getTime();
    if (at != null && now - at < maxAgeMs) return;
    const failedAt = this.#failedAt.get(userId);
    if (failedAt != null && now - failedAt < FAILURE_BACKOFF_MS) return;
    let reading = this.#inFlight.get(userId);
    if (reading == null) {
      reading = this.#read(userId, connection).finally(() => this.#inFlight.delete(userId));
      this.#inFlight.set(userId, reading);
    }
    if (waitMs == null) return reading;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([reading, timeout]).finally(() => clearTimeout(timer));
  }

  async #read(userId: string, connection: ConnectionRow): Promise<void> {
    const { context, log } = this.#options;
    let snapshot: RateLimitSnapshot;
    try {
      snapshot = await this.#options.readUsage(userId, AbortSignal.timeout(READ_TIMEOUT_MS));
    } catch (error) {
      this.#failedAt.set(userId, context.now());
      log.warn({ err: error }, 'could not read the ChatGPT usage endpoint; keeping the last quota snapshot');
      return;
    }
    this.#failedAt.delete(userId);
    const now = context.now();
    await context.db
      .update(connections)
      .set({ rateLimits: { ...toJson(snapshot), source: 'usage-endpoint' }, rateLimitsAt: new Date(now) })
      .where(eq(connections.id, connection.id));
    await this.#addPoint(userId, 'usage-endpoint', snapshot);
  }

  async #history(userId: string): Promise<QuotaAnswer['history']> {
    const { context } = this.#options;
    const since = new Date(context.now() - HISTORY_SPAN_MS);
    const rows = await context.db
      .select()
      .from(quotaSnapshots)
      .where(and(eq(quotaSnapshots.userId, userId), gte(quotaSnapshots.observedAt, since)))
      .orderBy(asc(quotaSnapshots.observedAt))
      .limit(2000);
    return rows.map((row) => ({
      observedAt: row.observedAt.toISOString(),
      source: row.source,
      fiveHourUsedPercent: row.fiveHourUsedPercent,
      weeklyUsedPercent: row.weeklyUsedPercent,
    }));
  }
}

/** The snapshot as the connection stores it (JSON: dates as ISO strings), like the header snapshots. */
function toJson(snapshot: RateLimitSnapshot): Record<string, unknown> {
  return JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
}

/**
 * The stored snapshot as windows, read defensively (it is what an upstream said). A snapshot the usage endpoint
 * wrote says so in `source`; one the headers wrote does not.
 */
export function toQuotaWindows(connection: ConnectionRow | null): Omit<QuotaAnswer, 'history'> {
  const snapshot = connection?.rateLimits;
  if (connection == null || snapshot == null || connection.rateLimitsAt == null) {
    return { windows: [], fetchedAt: null, source: null, planType: null };
  }
  const windows: QuotaWindow[] = [];
  for (const [key, name] of [
    ['primary', '5h'],
    ['secondary', 'weekly'],
  ] as const) {
    const value = snapshot[key];
    if (value == null || typeof value !== 'object') continue;
    const { usedPercent, windowMinutes, resetsAt } = value as Record<string, unknown>;
    windows.push({
      window: name,
      usedPercent: typeof usedPercent === 'number' ? usedPercent : null,
      windowMinutes: typeof windowMinutes === 'number' ? windowMinutes : null,
      resetsAt: typeof resetsAt === 'string' ? resetsAt : null,
    });
  }
  return {
    windows,
    fetchedAt: connection.rateLimitsAt.toISOString(),
    source: snapshot.source === 'usage-endpoint' ? 'usage-endpoint' : 'headers',
    planType: typeof snapshot.planType === 'string' ? snapshot.planType : null,
  };
}
