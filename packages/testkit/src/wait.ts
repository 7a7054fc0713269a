/** Sleeps for `ms`; resolves false instead of throwing when the signal aborts first. */
export function wait(options: { ms: number; signal?: AbortSignal }): Promise<boolean> {
  const { ms, signal } = options;
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
