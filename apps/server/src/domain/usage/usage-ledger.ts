import { randomUUID } from 'node:crypto';
import type { CustomPrice } from '@pag/contracts';
import { getTableColumns, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import type { usageEvents } from '../../db/schema.ts';
import { usageEvents as usageEventsTable } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import type { ReadCache } from '../read-cache/read-cache.ts';
import { priceRequest } from './api-prices.ts';
import { listCustomPrices } from './custom-prices.ts';

/** One ledger row as the request path hands it over: the row without its id and its price (the writer adds those). */
export type UsageEventInput = Omit<typeof usageEvents.$inferInsert, 'id' | 'apiPriceMicros' | 'priceVersion'> & {
  createdAt: Date;
};

export type UsageLedgerSettings = {
  /** How long a row waits at most before it is written. */
  flushIntervalMs: number;
  /** A queue this long is written at once (on the next tick, never inside `record`). */
  batchSize: number;
  /** Rows kept for the next flush after a failed one; older ones are dropped (the database may be gone for good). */
  maxPendingRows: number;
};

export type UsageLedgerLog = { error: (object: object, message: string) => void };

/** docs/usage-ledger.md: 250 ms or 200 rows, whichever comes first. */
export const DEFAULT_USAGE_LEDGER_SETTINGS: UsageLedgerSettings = {
  flushIntervalMs: 250,
  batchSize: 200,
  maxPendingRows: 10_000,
};

/** SQLite binds at most 32 766 parameters per statement (PostgreSQL 65 535); 200 rows of 23 columns stay well below. */
const ROWS_PER_INSERT = 200;

type UsageEventRow = typeof usageEventsTable.$inferInsert;

/** Every column of a ledger row, each a placeholder of its own name. */
const ROW_PLACEHOLDERS = Object.fromEntries(
  Object.keys(getTableColumns(usageEventsTable)).map((key) => [key, sql.placeholder(key)]),
) as unknown as UsageEventRow;

/**
 * One row's insert, prepared once (SQLite: inside the batch's transaction, on the same connection). Building a
 * 200-row insert with drizzle's query builder cost about 35 µs a row, a 7 ms block of the event loop every quarter
 * second under load (issue 22 profile); the prepared statement is run once per row instead.
 */
const insertUsageEvent = preparedQuery('insert_usage_event', (db) =>
  db.insert(usageEventsTable).values(ROW_PLACEHOLDERS),
);

/** A row with every column given (null where the request had nothing), as the prepared insert binds them. */
function toCompleteRow(row: UsageEventRow): Record<string, unknown> {
  const complete: Record<string, unknown> = {};
  for (const key in ROW_PLACEHOLDERS) complete[key] = row[key as keyof UsageEventRow] ?? null;
  complete.isSubscription = row.isSubscription ?? false;
  return complete;
}

/**
 * The writer of the usage ledger (`usage_events`): the request path only pushes a row onto an in-memory queue
 * (`record` never awaits, never throws, never touches the database), and the queue is written in one transaction
 * every `flushIntervalMs` or as soon as `batchSize` rows wait, off the request's own turn of the event loop. A failed
 * write is logged and its rows kept for the next flush, at most `maxPendingRows` of them. Writes run one after
 * another, so `close()` (shutdown) can wait for the one under way and write what is left. Never any content: the
 * rows are metadata only (docs/usage-ledger.md).
 */
export class UsageLedger {
  readonly #context: DomainContext;
  readonly #settings: UsageLedgerSettings;
  readonly #log: UsageLedgerLog;
  readonly #readCache: ReadCache | undefined;
  #queue: UsageEventInput[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #isClosed = false;
  /** The last write asked for; the next one starts after it. Never rejects. */
  #writing: Promise<void> = Promise.resolve();

  constructor(options: {
    context: DomainContext;
    log: UsageLedgerLog;
    settings?: Partial<UsageLedgerSettings>;
    /** Where the users' custom prices are read through, one cache scope per batch (docs/request-cache.md). */
    readCache?: ReadCache | undefined;
  }) {
    this.#context = options.context;
    this.#log = options.log;
    this.#readCache = options.readCache;
    this.#settings = { ...DEFAULT_USAGE_LEDGER_SETTINGS, ...options.settings };
  }

  /** Rows waiting to be written (tests, diagnostics). */
  get pendingRows(): number {
    return this.#queue.length;
  }

  /** Queues one row. Synchronous and cheap on purpose: this runs on the request path. */
  record(event: UsageEventInput): void {
    try {
      this.#queue.push(event);
      if (this.#isClosed) return;
      // `void`: flush() never rejects (a failure is logged and the rows kept).
      if (this.#queue.length >= this.#settings.batchSize) {
        this.#immediate ??= setImmediate(() => void this.flush());
      } else if (this.#timer == null) {
        this.#timer = setTimeout(() => void this.flush(), this.#settings.flushIntervalMs);
        this.#timer.unref();
      }
    } catch {
      // Recording usage must never break an answer.
    }
  }

  /**
   * Writes every queued row in one transaction, after the write under way if there is one (it then takes the queue
   * as it is at its turn). Never rejects: a failure is logged and the rows kept (bounded).
   */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#immediate != null) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    const write = this.#writing.then(() => this.#writeInScope());
    this.#writing = write;
    return write;
  }

  /** A batch is one scope of the request cache: its users' prices are read once, or not at all when unchanged. */
  async #writeInScope(): Promise<void> {
    const scope = this.#readCache?.openScope();
    if (scope == null) return this.#write();
    try {
      return await scope.run(() => this.#write());
    } finally {
      scope.close();
    }
  }

  async #write(): Promise<void> {
    if (this.#queue.length === 0) return;
    const rows = this.#queue;
    this.#queue = [];
    try {
      // Priced here, off the request path: each user's own prices are read once per batch (docs/api-prices.md).
      const customPricesOf = new Map<string, readonly CustomPrice[]>();
      const values: UsageEventRow[] = [];
      for (const row of rows) {
        let customPrices = customPricesOf.get(row.userId);
        if (customPrices == null) {
          customPrices = await listCustomPrices(this.#context, row.userId);
          customPricesOf.set(row.userId, customPrices);
        }
        const price = priceRequest(
          {
            provider: row.provider ?? null,
            model: row.model ?? null,
            inputTokens: row.inputTokens ?? null,
            cachedInputTokens: row.cachedInputTokens ?? null,
            outputTokens: row.outputTokens ?? null,
            reasoningTokens: row.reasoningTokens ?? null,
          },
          customPrices,
        );
        values.push({ ...row, id: randomUUID(), apiPriceMicros: price.micros, priceVersion: price.version });
      }
      const { db } = this.#context;
      await withTransaction(db, async (tx) => {
        if (tx.$dialect === 'sqlite') {
          // SQLite's transaction is the connection's: the statement prepared on it runs inside. better-sqlite3 runs
          // it synchronously, so the rows go in one turn of the event loop: an `await` per row would let other
          // requests run while the transaction is open, and their reads would bypass the request cache meanwhile.
          const insert = insertUsageEvent(db) as unknown as { run(row: Record<string, unknown>): unknown };
          for (const row of values) {
            const ran = insert.run(toCompleteRow(row));
            if (ran instanceof Promise) await ran;
          }
          return;
        }
        // PostgreSQL: a few multi-row statements on the transaction's own client, one round trip each.
        for (let start = 0; start < values.length; start += ROWS_PER_INSERT) {
          await tx.insert(usageEventsTable).values(values.slice(start, start + ROWS_PER_INSERT));
        }
      });
    } catch (error) {
      // Rows recorded while this write was under way are newer: they follow the failed ones.
      const kept = [...rows, ...this.#queue].slice(-this.#settings.maxPendingRows);
      const dropped = rows.length + this.#queue.length - kept.length;
      this.#queue = kept;
      this.#log.error({ err: error, rows: rows.length, dropped }, 'usage ledger write failed; retrying later');
      if (!this.#isClosed && this.#timer == null) {
        this.#timer = setTimeout(() => void this.flush(), this.#settings.flushIntervalMs);
        this.#timer.unref();
      }
    }
  }

  /**
   * Shutdown: no more timers; waits for the write under way and writes what is queued. Rows recorded afterwards wait
   * for a final `flush()`.
   */
  async close(): Promise<void> {
    this.#isClosed = true;
    await this.flush();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
