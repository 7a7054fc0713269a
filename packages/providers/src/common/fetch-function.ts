/** The `fetch` an adapter uses; injected so tests and the benchmark can point it at fakes. */
export type FetchFunction = typeof globalThis.fetch;
