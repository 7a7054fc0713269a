type Closable = { close(): Promise<void> };

const openServers = new Set<Closable>();

/** Called when a fake starts; it leaves the set once it has closed. */
export function trackFakeServer(server: Closable): void {
  openServers.add(server);
}

export function untrackFakeServer(server: Closable): void {
  openServers.delete(server);
}

/** Closes every fake still open (e.g. in `afterEach`), so a test that failed before its cleanup leaks no port. */
export async function closeAllFakeServers(): Promise<void> {
  const results = await Promise.allSettled([...openServers].map((server) => server.close()));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure != null) throw failure.reason;
}
