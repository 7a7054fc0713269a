import { AsyncLocalStorage } from 'node:async_hooks';
import { expectedCacheVersionTriggers, listCacheVersionTriggers, readCacheVersion } from '../../db/cache-version.ts';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { transactionEpoch } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import { LruMap } from '../lru-map.ts';

/** Entries each kind of cached read keeps: a home gateway has a handful of users, keys and apps. */
const DEFAULT_CAPACITY = 512;

/**
 * What a scope knows once it read the counter: its value, or null when the scope may not use the cache (the read
 * ran while a transaction of this process was open, so it may have seen a write that is later rolled back).
 */
type Snapshot = { version: number } | null;

type Scope = {
  cache: ReadCache;
  snapshot: Promise<Snapshot> | undefined;
  /** The snapshot's version once it is in (undefined before, and for a scope that may not use the cache). */
  version: number | undefined;
  isOpen: boolean;
};

/** One cached value; a wrapper, so that a cached null or undefined is told apart from no entry. */
type Entry = { value: unknown };

/** Told what became of each read inside a scope, and of each emptying (the gateway's metrics). */
export type ReadCacheObserver = {
  read(kind: string, outcome: 'hit' | 'miss' | 'bypass'): void;
  invalidated(): void;
};

/** Which scope the code running now belongs to; carried along every await of the request (or batch) it serves. */
const scopes = new AsyncLocalStorage<Scope>();

/** A request's (or a batch's) view of the cache: everything run inside it sees the database as of its first read. */
export type ReadScope = {
  /** Runs `work` (and everything it awaits or schedules) inside this scope. */
  run<T>(work: () => T): T;
  /** Ends the scope: reads of work it left behind (timers, late callbacks) go to the database again. */
  close(): void;
};

/**
 * The request cache (issue 22, docs/request-cache.md): the reads every AI request repeats — the API key with its user,
 * the user's settings, saved keys, connections, aliases and features, a connected app's token, client and policy,
 * the CORS origin checks — kept in memory per process, with exact invalidation on SQLite and PostgreSQL alike.
 *
 * Exact because of `cache_version` (db/cache-version.ts): database triggers bump it in the same transaction as every
 * write to the tables these reads come from, whoever writes. A scope (one request) reads it once, at its first cached
 * read; an unchanged value means nothing cached can have changed, any other value empties the cache before anything
 * is read from it. A write committed before a request began is therefore seen by that request, from this process or
 * any other — a revoked key fails on its very next request.
 *
 * Three rules keep it exact under concurrency:
 * - a value is read after the counter (so it is at least as new as the value it is filed under) and kept only while
 *   the cache still holds that value: a scope that read an older value than the cache's reads the database and
 *   keeps nothing;
 * - on SQLite a read while a transaction of this process is open goes to the database (the transaction must see its
 *   own writes), and one that ran across a begin or an end is not kept (with-transaction.ts, `transactionEpoch`): it
 *   may have seen a write that is rolled back;
 * - outside a scope (the CLI, background tasks, the settings routes) nothing is cached: every read goes to the
 *   database, so a route that writes and then reads back always sees its own write.
 *
 * Cached values are frozen: they are shared by every request that reads them.
 */
export class ReadCache {
  readonly db: GatewayDatabase;
  readonly #isEnabled: boolean;
  readonly #capacity: number;
  readonly #observer: ReadCacheObserver | undefined;
  /** The counter value every entry was read under; null before the first scope read it. */
  #generation: number | null = null;
  readonly #kinds = new Map<string, LruMap<string, Entry>>();

  private constructor(
    db: GatewayDatabase,
    options: { isEnabled: boolean; capacity: number; observer: ReadCacheObserver | undefined },
  ) {
    this.db = db;
    this.#isEnabled = options.isEnabled;
    this.#capacity = options.capacity;
    this.#observer = options.observer;
  }

  /**
   * The cache of one database. It is turned off (every read goes to the database) when `isEnabled` is false or when
   * the database lacks any of the triggers: without them a write could go unseen, and a stale read is worse than a
   * slow one.
   */
  static async open(
    db: GatewayDatabase,
    options: {
      isEnabled?: boolean;
      capacity?: number;
      observer?: ReadCacheObserver;
      log?: { error(object: object, message: string): void };
    } = {},
  ): Promise<ReadCache> {
    let isEnabled = options.isEnabled ?? true;
    if (isEnabled) {
      const present = new Set(await listCacheVersionTriggers(db));
      const missing = expectedCacheVersionTriggers(db.$dialect).filter((name) => !present.has(name));
      if (missing.length > 0) {
        options.log?.error({ missing }, 'the request cache is off: the database lacks cache-version triggers');
        isEnabled = false;
      }
    }
    return new ReadCache(db, { isEnabled, capacity: options.capacity ?? DEFAULT_CAPACITY, observer: options.observer });
  }

  get isEnabled(): boolean {
    return this.#isEnabled;
  }

  /** A new scope (one per request, or per batch of background work). */
  openScope(): ReadScope {
    const scope: Scope = { cache: this, snapshot: undefined, version: undefined, isOpen: true };
    return {
      run: (work) => scopes.run(scope, work),
      close: () => {
        scope.isOpen = false;
      },
    };
  }

  /** Entries kept, over every kind (tests, diagnostics). */
  get size(): number {
    let size = 0;
    for (const entries of this.#kinds.values()) size += entries.size;
    return size;
  }

  /**
   * A hit of a scope that already knows the version the cache holds, answered without the awaits of `read` — the same
   * conditions, checked synchronously; undefined when `read` must decide. A request makes about ten cached reads, and
   * each `await` of the settled snapshot and of an async function's result cost it a few µs (issue 22 measure: route
   * planning, about 30 µs of every request, is mostly cached reads).
   */
  peek(scope: Scope, kind: string, key: string): Entry | undefined {
    if (scope.version === undefined || scope.version !== this.#generation || transactionEpoch(this.db) % 2 === 1) {
      return undefined;
    }
    const hit = this.#kinds.get(kind)?.get(key);
    if (hit != null) this.#observer?.read(kind, 'hit');
    return hit;
  }

  /** `cachedRead`'s work inside a scope of this cache. */
  async read<T>(
    scope: Scope,
    kind: string,
    key: string,
    load: () => Promise<T>,
    shouldKeep: (value: T) => boolean,
  ): Promise<T> {
    const bypass = () => {
      this.#observer?.read(kind, 'bypass');
      return load();
    };
    // Inside a transaction of this process (SQLite): its own writes must be seen, so the database answers.
    if (transactionEpoch(this.db) % 2 === 1) return bypass();
    scope.snapshot ??= this.#takeSnapshot();
    const snapshot = await scope.snapshot;
    if (snapshot == null) return bypass();
    scope.version = snapshot.version;
    if (snapshot.version !== this.#generation) {
      // An older scope than the cache (it read the counter before another scope saw it move): the database.
      if (this.#generation != null && snapshot.version < this.#generation) return bypass();
      if (this.#generation != null) this.#observer?.invalidated();
      this.#kinds.clear();
      this.#generation = snapshot.version;
    }
    let entries = this.#kinds.get(kind);
    if (entries == null) {
      entries = new LruMap(this.#capacity);
      this.#kinds.set(kind, entries);
    }
    const hit = entries.get(key);
    this.#observer?.read(kind, hit == null ? 'miss' : 'hit');
    if (hit != null) return hit.value as T;
    const epoch = transactionEpoch(this.db);
    const value = await load();
    const isClean = epoch % 2 === 0 && transactionEpoch(this.db) === epoch;
    if (isClean && this.#generation === snapshot.version && shouldKeep(value)) {
      entries.set(key, { value: deepFreeze(value) });
    }
    return value;
  }

  async #takeSnapshot(): Promise<Snapshot> {
    if (!this.#isEnabled) return null;
    const epoch = transactionEpoch(this.db);
    const version = await readCacheVersion(this.db);
    return epoch % 2 === 0 && transactionEpoch(this.db) === epoch ? { version } : null;
  }
}

/**
 * A read the request cache may answer: `load` runs against the database unless the current scope's cache holds its
 * value for these arguments. `kind` names the read (unique in the gateway); the arguments are its key. `shouldKeep`
 * says which answers are kept (not, say, "no such key": a caller trying random keys would only fill the cache).
 * `load` must read only what the cache-version triggers watch (db/cache-version.ts).
 */
export function cachedRead<Args extends string[], T>(
  kind: string,
  load: (context: DomainContext, ...args: Args) => Promise<T>,
  options: { shouldKeep?: (value: T) => boolean } = {},
): (context: DomainContext, ...args: Args) => Promise<T> {
  const shouldKeep = options.shouldKeep ?? (() => true);
  return (context, ...args) => {
    const scope = scopes.getStore();
    // Another database's scope (two apps in one test process) or an ended one: straight to the database.
    if (scope == null || !scope.isOpen || scope.cache.db !== context.db) return load(context, ...args);
    const key = args.join('\0');
    const hit = scope.cache.peek(scope, kind, key);
    if (hit !== undefined) return Promise.resolve(hit.value as T);
    return scope.cache.read(scope, kind, key, () => load(context, ...args), shouldKeep);
  };
}

/** Freezes a cached value and everything in it, so no request can change what the next one reads. */
function deepFreeze<T>(value: T): T {
  if (value == null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
  return value;
}
