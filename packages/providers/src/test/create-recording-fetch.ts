export type RecordedRequest = {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  signal: AbortSignal | undefined;
};

type Responder = Response | ((request: RecordedRequest) => Response | Promise<Response>);

/**
 * A `fetch` that answers from a queue (one entry per call, the last one repeats) and records every request.
 * Headers are recorded lower-cased.
 */
export function createRecordingFetch(...responders: Responder[]) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const rawBody = init?.body;
    let body: unknown;
    if (typeof rawBody === 'string') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const request: RecordedRequest = {
      url: input instanceof Request ? input.url : String(input),
      method: init?.method ?? 'GET',
      headers,
      body,
      signal: init?.signal ?? undefined,
    };
    requests.push(request);
    const responder = responders[Math.min(requests.length - 1, responders.length - 1)];
    if (responder == null) throw new Error(`Unexpected request to ${request.url}`);
    return typeof responder === 'function' ? responder(request) : responder.clone();
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** The JSON body of the `index`-th recorded request; fails the test when there is none. */
export function requestBodyOf(requests: RecordedRequest[], index = 0): Record<string, unknown> {
  const body = requests[index]?.body;
  if (typeof body !== 'object' || body == null) throw new Error(`Request ${index} has no JSON body.`);
  return body as Record<string, unknown>;
}
