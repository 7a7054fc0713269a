import type { IncomingMessage } from 'node:http';
import type { RequestMatch } from './matches-request.ts';
import { matchesRequest } from './matches-request.ts';

/** Query or form fields; a repeated name keeps every value, in order. */
export type ParamRecord = Record<string, string | string[]>;

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
  /** The parsed body when the content type is JSON and it parses; otherwise undefined. */
  readonly json: unknown;
  /** The fields when the content type is application/x-www-form-urlencoded; otherwise undefined. */
  readonly form: ParamRecord | undefined;
  /** Why a body declared as JSON did not parse. */
  readonly jsonError: string | undefined;
  /** Milliseconds since the epoch when the request arrived. */
  readonly timestamp: number;
};

export type RecordRequestOptions = {
  incoming: IncomingMessage;
  url: URL;
  rawBody: Buffer;
  timestamp: number;
};

export type RequestRecorder = {
  /** Cleared in place by `clear()`, so references held by tests stay current. */
  readonly requests: RecordedRequest[];
  record(options: RecordRequestOptions): RecordedRequest;
  findRequests(match: RequestMatch): RecordedRequest[];
  clear(): void;
};

export function createRequestRecorder(): RequestRecorder {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    record(options) {
      const recorded = toRecordedRequest(options);
      requests.push(recorded);
      return recorded;
    },
    findRequests(match) {
      return requests.filter((request) => matchesRequest({ match, method: request.method, path: request.path }));
    },
    clear() {
      requests.length = 0;
    },
  };
}

function toRecordedRequest(options: RecordRequestOptions): RecordedRequest {
  const { incoming, rawBody } = options;
  const text = rawBody.toString('utf8');
  const mediaType = (incoming.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
  let json: unknown;
  let jsonError: string | undefined;
  if (isJson) {
    try {
      json = JSON.parse(text);
    } catch (error) {
      jsonError = error instanceof Error ? error.message : String(error);
    }
  }
  return {
    method: incoming.method ?? '',
    path: options.url.pathname,
    query: toParamRecord(options.url.searchParams),
    headers: collectHeaders(incoming.rawHeaders),
    rawBody,
    text,
    json,
    form: mediaType === 'application/x-www-form-urlencoded' ? toParamRecord(new URLSearchParams(text)) : undefined,
    jsonError,
    timestamp: options.timestamp,
  };
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

// Built from rawHeaders because Node's parsed headers silently drop duplicates of some names (content-type,
// authorization), and a fake should show exactly what was sent.
function collectHeaders(rawHeaders: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    const value = rawHeaders[index + 1] ?? '';
    const existing = headers[name];
    headers[name] = existing == null ? value : `${existing}, ${value}`;
  }
  return headers;
}
