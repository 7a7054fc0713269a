import type { Agent, Dispatcher, fetch as undiciFetch } from 'undici';
import type { FetchFunction } from './fetch-function.ts';
import { loadUndici } from './load-undici.ts';

/** How long the gateway waits on an upstream, in milliseconds, at each stage of a call. */
export type UpstreamTimeouts = {
  /** Opening the TCP (and TLS) connection. */
  connectTimeoutMs: number;
  /** From the request being sent to the response headers: how long the upstream may take to start answering. */
  firstByteTimeoutMs: number;
  /** Between two pieces of the response body: how long an answer may stay silent once it has begun. */
  idleTimeoutMs: number;
};

/**
 * A `fetch` whose every request goes through one connection pool with the gateway's upstream timeouts. The pool is
 * exposed so that `postUpstream` can send its requests through it directly, without fetch's machinery (the relay
 * hot path, issue 7 profile): one set of timers for every upstream call, whichever way it is made.
 */
export type UpstreamFetch = FetchFunction & {
  readonly dispatcher: Dispatcher;
  /** Closes the pool's idle connections and refuses new requests (at shutdown). */
  close(): Promise<void>;
};

/**
 * Builds the fetch every upstream call of the gateway uses: model calls, model lists, key checks, token and
 * sign-in endpoints. The timers are undici's own, in the socket layer: on expiry the socket is destroyed (the
 * upstream sees the connection close) and the request fails with undici's `ConnectTimeoutError`,
 * `HeadersTimeoutError` or `BodyTimeoutError`, which `toTransportError` turns into `UpstreamTimeoutError`. The idle
 * timer is paused while the reader applies backpressure (undici stops reading the socket then), so a slow client
 * is never mistaken for a silent upstream. undici checks these timers on a coarse clock (half-second ticks), so
 * they fire up to about a second late: fine for limits counted in seconds.
 */
export function createUpstreamFetch(timeouts: UpstreamTimeouts): UpstreamFetch {
  // Made by the first upstream call, with undici (load-undici.ts): a gateway that has not called out holds neither.
  let pool: Agent | undefined;
  let isClosed = false;
  const dispatcher = (): Agent => {
    if (pool === undefined) {
      pool = new (loadUndici().Agent)({
        connectTimeout: timeouts.connectTimeoutMs,
        headersTimeout: timeouts.firstByteTimeoutMs,
        bodyTimeout: timeouts.idleTimeoutMs,
      });
      // Closed before its first call (a shutdown): requests are refused as a pool closed after use refuses them.
      if (isClosed) void pool.close();
    }
    return pool;
  };
  // undici's own fetch, because a pool can only be handed to the undici that made it; its Request and Response
  // are the web standard ones, so callers typed for the global fetch use it unchanged.
  const fetch = ((input: Parameters<FetchFunction>[0], init?: Parameters<FetchFunction>[1]) =>
    loadUndici().fetch(
      input as Parameters<typeof undiciFetch>[0],
      { ...init, dispatcher: dispatcher() } as Parameters<typeof undiciFetch>[1],
    )) as unknown as FetchFunction;
  UPSTREAM_FETCHES.add(fetch);
  return Object.defineProperties(fetch, {
    dispatcher: { get: dispatcher, enumerable: true },
    close: {
      value: async () => {
        isClosed = true;
        await pool?.close();
      },
      enumerable: true,
    },
  }) as UpstreamFetch;
}

/** The fetches {@link createUpstreamFetch} made, told apart from any other fetch without loading undici. */
const UPSTREAM_FETCHES = new WeakSet<FetchFunction>();

/** The pool of a fetch made by {@link createUpstreamFetch}; undefined for any other fetch (a test's fake). */
export function upstreamDispatcherOf(fetch: FetchFunction | undefined): Dispatcher | undefined {
  return fetch != null && UPSTREAM_FETCHES.has(fetch) ? (fetch as UpstreamFetch).dispatcher : undefined;
}
