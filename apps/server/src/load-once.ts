/**
 * Defers a load (a dynamic `import()`, mostly) to its first call and shares it with every call after: the
 * gateway imports a heavy dependency that only some requests need (the MCP SDK, the OAuth server, a tokenizer)
 * when the first such request comes, not at start (issue 22: start-up time and idle memory). The promise is kept,
 * so the load runs once and a later call costs one `await` of a settled promise, never a trip through the module
 * loader. A load that failed is tried again by the next call (a database error while building must not stick).
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    if (loaded === undefined) {
      const loading = load();
      loaded = loading;
      loading.catch(() => {
        if (loaded === loading) loaded = undefined;
      });
    }
    return loaded;
  };
}
