/** A Map bounded to `capacity` entries that drops the least recently used one; reads count as use. */
export class LruMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    // Re-inserted, so the map's order stays least recently used first.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Drops every entry that matches (by its key, or its value). */
  deleteWhere(matches: (key: K, value: V) => boolean): void {
    for (const [key, value] of this.#entries) if (matches(key, value)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
