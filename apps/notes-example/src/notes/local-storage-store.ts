import { useSyncExternalStore } from 'react';

export type LocalStorageStore<Value> = {
  get(): Value;
  set(value: Value): void;
  subscribe(listener: () => void): () => void;
};

/**
 * One value kept as JSON under `key` in local storage, shared by every component that reads it and kept in step
 * with other tabs of the app (the `storage` event). A value that does not parse falls back to `fallback()`.
 */
export function createLocalStorageStore<Value>(options: {
  key: string;
  fallback: () => Value;
  parse: (raw: unknown) => Value | undefined;
}): LocalStorageStore<Value> {
  const listeners = new Set<() => void>();
  // The parsed value is cached per raw string: useSyncExternalStore needs the same object until something changed.
  let cachedRaw: string | null | undefined;
  let cachedValue: Value = options.fallback();

  const read = (): Value => {
    const raw = localStorage.getItem(options.key);
    if (raw === cachedRaw) return cachedValue;
    cachedRaw = raw;
    let parsed: Value | undefined;
    try {
      parsed = raw == null ? undefined : options.parse(JSON.parse(raw));
    } catch {
      parsed = undefined;
    }
    cachedValue = parsed ?? options.fallback();
    return cachedValue;
  };
  const notify = () => {
    for (const listener of listeners) listener();
  };

  return {
    get: read,
    set(value) {
      if (value === undefined || value === null) localStorage.removeItem(options.key);
      else localStorage.setItem(options.key, JSON.stringify(value));
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      const onStorage = (event: StorageEvent) => {
        if (event.key === options.key || event.key === null) listener();
      };
      window.addEventListener('storage', onStorage);
      return () => {
        listeners.delete(listener);
        window.removeEventListener('storage', onStorage);
      };
    },
  };
}

/** The store's value, re-rendering when it changes. */
export function useLocalStorageStore<Value>(store: LocalStorageStore<Value>): Value {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
