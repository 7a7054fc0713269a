import type { IncomingMessage } from 'node:http';

/** Query or form fields; a repeated name keeps every value, in order. */
type ParamRecord = Record<string, string | string[]>;

/** One request as the fake received it, recorded before any fault or handler ran. */
export type RecordedRequest = {
  readonly method: string;
  /** Percent-encoded path without the query. */
  readonly path: string;
  readonly query: ParamRecord;
  /** Lowercase names; a repeated header's values are joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  readonly text: string;
  /** The parsed body when the content type is JSON and it parses. */
  readonly json: unknown;
  /** The fields when the content type is application/x-www-form-urlencoded. */
  readonly form: ParamRecord | undefined;
  /** Why a body declared as JSON did not parse. */
  readonly jsonError: string | undefined;
  /** Milliseconds since the epoch when the request arrived. */
  readonly timestamp: number;
};

/** Which requests a fault or a lookup applies to; an empty match applies to every request. */
export type RequestMatch = {
  /** Compared case-insensitively. */
  method?: string;
  /** A string must equal the path exactly (no query); a RegExp is tested against it. */
  path?: string | RegExp;
};

export type RequestRecorder = {
  /** Cleared in place by `clear()`, so references held by tests stay current. */
  readonly requests: RecordedRequest[];
  record(options: { incoming: IncomingMessage; url: URL; rawBody: Buffer; timestamp: number }): void;
  findRequests(match: RequestMatch): RecordedRequest[];
  clear(): void;
};

export function createRequestRecorder(): RequestRecorder {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    record({ incoming, url, rawBody, timestamp }) {
      const text = rawBody.toString('utf8');
      const mediaType = (incoming.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      let json: unknown;
      let jsonError: string | undefined;
      if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
        try {
          json = JSON.parse(text);
        } catch (error) {
          jsonError = (error as Error).message;
        }
      }
      requests.push({
        method: incoming.method ?? '',
        path: url.pathname,
        query: toParamRecord(url.searchParams),
        headers: collectHeaders(incoming.rawHeaders),
        rawBody,
        text,
        json,
        form: mediaType === 'application/x-www-form-urlencoded' ? toParamRecord(new URLSearchParams(text)) : undefined,
        jsonError,
        timestamp,
      });
    },
    findRequests: (match) => requests.filter((request) => matchesRequest(match, request)),
    clear() {
      requests.length = 0;
    },
  };
}

export function matchesRequest(match: RequestMatch, request: { method: string; path: string }): boolean {
  if (match.method != null && match.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (match.path == null) return true;
  if (typeof match.path === 'string') return match.path === request.path;
  // A global or sticky RegExp keeps `lastIndex` between calls, so reset it to match the same path every time.
  match.path.lastIndex = 0;
  return match.path.test(request.path);
}

function toParamRecord(params: URLSearchParams): ParamRecord {
  const record: ParamRecord = {};
  for (const [name, value] of params) {
    const existing = record[name];
    if (existing == null) record[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else record[name] = [existing, value];
  }
  return record;
}

// From rawHeaders because Node's parsed headers drop duplicates of some names (content-type, authorization), and a
// fake should show exactly what was sent.
function collectHeaders(rawHeaders: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    const value = rawHeaders[index + 1] ?? '';
    headers[name] = headers[name] == null ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}
