import type { Dispatcher } from 'undici';
import { upstreamDispatcherOf } from './create-upstream-fetch.ts';
import type { FetchFunction } from './fetch-function.ts';
import { headersToRecord } from './headers-to-record.ts';
import { loadUndici } from './load-undici.ts';
import type { ReadResult } from './read-result.ts';
import { UpstreamResponseHandler } from './upstream-response-handler.ts';

const utf8 = new TextEncoder();

/** A response body read chunk by chunk; `cancel` stops reading and lets the connection go. */
export type UpstreamBodyReader = {
  read(): Promise<ReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
};

/** What the adapters need of an upstream answer, whichever transport fetched it. */
export type UpstreamResponse = {
  status: number;
  /**
   * Header names lower-cased, repeated values joined with `, ` (as `Headers.get` gives them). A plain record, not a
   * `Headers`: building one from undici's raw headers (name checks, sorting, a copy per value) and reading it back
   * cost about 60 µs of every subscription answer (issue 22 profile).
   */
  headers: Readonly<Record<string, string>>;
  body: UpstreamBodyReader;
  /** The whole body as text (error bodies, JSON answers); only instead of reading `body`. */
  text(): Promise<string>;
};

/**
 * POSTs a body upstream. With an injected `fetch` (tests that record or script the upstream) it is used as given;
 * otherwise the request is dispatched on an undici pool — the gateway's upstream fetch's when that is the fetch
 * given (`createUpstreamFetch`), so its connect, first-byte and idle timeouts hold here too. Not through fetch,
 * whose Request/Response machinery and web-stream body cost a third of a subscription request's own time in the
 * gateway (issue 7 profile), nor through `undici.request`, whose Node-stream body cost 18 to 28 µs of every
 * relayed request (issue 22): the handler hands each chunk straight to its reader (`UpstreamResponseHandler`).
 * Without the gateway's fetch the timeouts are undici's defaults (300 s for headers and between body bytes).
 * Network failures, timeouts included, are thrown as they come, for the caller to map (`toTransportError`).
 */
export async function postUpstream(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  abortSignal?: AbortSignal | undefined;
  fetch?: FetchFunction | undefined;
  /** The undici connection pool to use instead of the global one (when no `fetch` is given). */
  dispatcher?: Dispatcher | undefined;
}): Promise<UpstreamResponse> {
  const fetchPool = upstreamDispatcherOf(options.fetch);
  if (options.fetch != null && fetchPool == null) {
    const response = await options.fetch(options.url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      signal: options.abortSignal ?? null,
    });
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    const getReader = () => {
      reader ??= (response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })).getReader();
      return reader;
    };
    return {
      status: response.status,
      headers: headersToRecord(response.headers),
      body: { read: () => getReader().read(), cancel: (reason) => getReader().cancel(reason) },
      text: () => response.text(),
    };
  }
  // A pool given for this call (the outbound policy's, for a user-supplied upstream) wins over the fetch's own.
  const undici = loadUndici();
  const dispatcher = options.dispatcher ?? fetchPool ?? undici.getGlobalDispatcher();
  const signal = options.abortSignal;
  // As `undici.request` does: an aborted call opens no connection.
  if (signal?.aborted === true) throw signal.reason ?? new undici.errors.RequestAbortedError();
  const target = new URL(options.url);
  const handler = new UpstreamResponseHandler(signal, () => new undici.errors.RequestAbortedError());
  try {
    dispatcher.dispatch(
      {
        origin: target.origin,
        path: target.pathname + target.search,
        method: 'POST',
        headers: options.headers,
        // As bytes: undici copies a string body into a Buffer to send it and keeps both until the answer ends (a
        // long prompt twice over for a whole stream); bytes it sends and keeps as they are. Encoded to a buffer of
        // their own size: a small `Buffer.from` is a slice of Node's shared 8 KB pool, which it would keep whole
        // (issue 22).
        body: utf8.encode(options.body),
      },
      handler,
    );
  } catch (error) {
    // undici's own pools report a refused dispatch to the handler; any other dispatcher may throw it.
    handler.onResponseError(null, error as Error);
  }
  const { status, headers: undiciHeaders } = await handler.started;
  // Built on first use: the chat relay reads no header of a 2xx answer, and this is its hot path.
  let headers: Record<string, string> | undefined;
  return {
    status,
    get headers() {
      headers ??= toHeaderRecord(undiciHeaders);
      return headers;
    },
    body: handler,
    text: () => handler.text(),
  };
}

/** undici's headers (lower-case names already) with repeated values joined, as `Headers.get` joins them. */
function toHeaderRecord(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value != null) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
