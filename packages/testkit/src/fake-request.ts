import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** What a fake's handler sees: the request, already read in full. */
export type FakeRequest<Params extends Record<string, string> = Record<string, string>> = {
  /** Name of the fake that received the request, for error messages. */
  readonly fakeName: string;
  readonly method: string;
  readonly url: URL;
  /** `url.pathname`, still percent-encoded. */
  readonly path: string;
  /** Decoded `:param` segments of the matched route. */
  readonly params: Params;
  /** Node's parsed headers; names are lowercase. */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  text(): string;
  /** Throws on an invalid body, which the harness turns into a 500 that names the problem. */
  json(): unknown;
  form(): URLSearchParams;
};

/** Answers one request: it must finish the response (or leave it streaming) before its promise settles. */
export type FakeHandler = (request: FakeRequest, reply: ServerResponse) => void | Promise<void>;

export function createFakeRequest(options: {
  fakeName: string;
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}): FakeRequest {
  const { rawBody } = options;
  // Closures rather than methods using `this`, so the router can copy the object with new params.
  const text = () => rawBody.toString('utf8');
  return {
    ...options,
    path: options.url.pathname,
    params: {},
    text,
    json: () => JSON.parse(text()) as unknown,
    form: () => new URLSearchParams(text()),
  };
}
