import type { ProviderName } from '@pag/contracts';
import type { CatalogueEntry } from './route-plan.ts';

/** Catalogues change rarely (a few times a month upstream); ten minutes keeps requests off the listing endpoints. */
const CATALOGUE_TTL_MS = 10 * 60_000;

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

  /** The cached list for `key`, or the one `load` fetches; a failed load is not cached. */
  get(options: {
    key: string;
    provider: ProviderName;
    load: () => Promise<CatalogueEntry[]>;
  }): Promise<CatalogueEntry[]> {
    const cached = this.#lists.get(options.key);
    if (cached != null && cached.expiresAt > this.#now()) return cached.entries;
    const entries = options.load();
    this.#lists.set(options.key, { expiresAt: this.#now() + CATALOGUE_TTL_MS, entries });
    entries.catch(() => this.#lists.delete(options.key));
    return entries;
  }

  /** Drops every list of a user (after they change a key or reconnect). */
  forget(keyPrefix: string): void {
    for (const key of this.#lists.keys()) if (key.startsWith(keyPrefix)) this.#lists.delete(key);
  }
}
