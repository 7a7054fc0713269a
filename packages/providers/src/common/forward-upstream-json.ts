import type { Dispatcher } from 'undici';
import type { ProviderError } from '../errors/provider-error.ts';
import { truncateResponseBody } from '../errors/truncate-response-body.ts';
import type { FetchFunction } from './fetch-function.ts';
import type { HttpFailure } from './map-sdk-error.ts';
import { postUpstream, type UpstreamBodyReader } from './post-upstream.ts';
import { toTransportError } from './to-transport-error.ts';

/** The upstream's 2xx answer, its body not yet read: SSE when the request streamed, else one JSON document. */
export type ForwardedChat = {
  url: string;
  /** Read once: chunk by chunk (a stream, see `readSseData`) or whole (`readForwardedJson`). */
  body: UpstreamBodyReader;
  text(): Promise<string>;
};

/**
 * Posts an already-shaped JSON body to an upstream a relay speaks the protocol of, and returns the 2xx answer unread.
 * Through `postUpstream` (the relay paths' own time was mostly the AI SDK's parse and re-serialise, issue 7 profile).
 * A non-2xx is read (bounded) and turned into the provider's own error class by `toProviderError`; a network failure
 * is `toTransportError`'s; the caller's abort passes through.
 */
export async function forwardUpstreamJson(options: {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  toProviderError: (failure: HttpFailure) => ProviderError;
  abortSignal?: AbortSignal | undefined;
  fetch?: FetchFunction | undefined;
  dispatcher?: Dispatcher | undefined;
}): Promise<ForwardedChat> {
  const { url } = options;
  let response: Awaited<ReturnType<typeof postUpstream>>;
  try {
    response = await postUpstream({
      url,
      headers: {
        ...options.headers,
        'content-type': 'application/json',
        accept: options.body.stream === true ? 'text/event-stream' : 'application/json',
      },
      body: JSON.stringify(options.body),
      abortSignal: options.abortSignal,
      fetch: options.fetch,
      dispatcher: options.dispatcher,
    });
  } catch (error) {
    throw toTransportError(error, url);
  }
  if (response.status >= 200 && response.status < 300) return { url, body: response.body, text: response.text };
  let responseBody: string | undefined;
  try {
    responseBody = truncateResponseBody(await response.text());
  } catch (error) {
    throw toTransportError(error, url);
  }
  throw options.toProviderError({
    url,
    statusCode: response.status,
    responseBody,
    responseHeaders: { ...response.headers },
    cause: undefined,
  });
}
