import type { ProviderName } from '@pag/contracts';
import type { CatalogueEntry } from './route-plan.ts';

/** Catalogues change rarely (a few times a month upstream); ten minutes keeps requests off the listing endpoints. */
const CATALOGUE_TTL_MS = 10 * 60_000;
/**
 * A list that could not be read is replaced by its fallback for this long, then read again: soon enough that a
 * passing failure heals within a minute, long enough that a down listing endpoint does not cost every request a
 * failed call.
 */
const FAILED_LIST_TTL_MS = 30_000;

type CachedList = { expiresAt: number; entries: Promise<CatalogueEntry[]> };

/**
 * Per-credential model lists, cached by a key that changes whenever the credential does (connection version,
 * key save time), with concurrent misses sharing one upstream call. This is the only state kept across requests,
 * and it holds no request data: routes are still planned per request by a pure function.
 */
export class ModelCatalogueCache {
  readonly #lists = new Map<string, CachedList>();
  readonly #now: () => number;

  constructor(options: { now: () => number }) {
    this.#now = options.now;
  }

  /**
   * The cached list for `key`, or the one `load` fetches. A failed load is never cached as a success: `fallback`
   * answers in its place (and decides what to log) until the list is read again, shortly.
   */
  get(options: {
    key: string;
    provider: ProviderName;
    load: () => Promise<CatalogueEntry[]>;
    fallback: (error: unknown) => CatalogueEntry[];
  }): Promise<CatalogueEntry[]> {
    const cached = this.#lists.get(options.key);
    if (cached != null && cached.expiresAt > this.#now()) return cached.entries;
    const list: CachedList = {
      expiresAt: this.#now() + CATALOGUE_TTL_MS,
      entries: options.load().catch((error: unknown) => {
        list.expiresAt = this.#now() + FAILED_LIST_TTL_MS;
        return options.fallback(error);
      }),
    };
    this.#lists.set(options.key, list);
    return list.entries;
  }

  /** Drops every list of a user (after they change a key or reconnect). */
  forget(keyPrefix: string): void {
    for (const key of this.#lists.keys()) if (key.startsWith(keyPrefix)) this.#lists.delete(key);
  }
}
