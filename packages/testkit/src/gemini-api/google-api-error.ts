import type { ServerResponse } from 'node:http';
import { ApiRejection } from '../create-authorized-routes.ts';

/** Google RPC status names by HTTP status, as generativelanguage.googleapis.com pairs them. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The standard Google RPC error envelope (docs/google-protocol.md §2.6, §3.9). */
export type GoogleApiErrorBody = {
  error: { code: number; message: string; status: string; details?: Record<string, unknown>[] };
};

/** The envelope for an HTTP status; `details` are left out when empty, as Google does. */
export function googleErrorBody(
  code: number,
  message: string,
  details: Record<string, unknown>[] = [],
): GoogleApiErrorBody {
  const status = STATUS_NAMES[code] ?? 'UNKNOWN';
  return { error: { code, message, status, ...(details.length === 0 ? {} : { details }) } };
}

export function googleError(code: number, message: string, details?: Record<string, unknown>[]): ApiRejection {
  return new ApiRejection({ status: code, body: googleErrorBody(code, message, details) });
}

/** A proto JSON parse problem: the message repeated as a BadRequest field violation. */
export function rejectInvalidPayload(message: string, field?: string): ApiRejection {
  const violation = field == null ? { description: message } : { field, description: message };
  return googleError(400, message, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [violation] },
  ]);
}

/** A request-level check, worded as `* GenerateContentRequest.<field>: <problem>\n` like the real server. */
export function rejectRequestField(request: string, field: string, problem: string): ApiRejection {
  return googleError(400, `* ${request}.${field}: ${problem}\n`);
}

/** Google pretty-prints JSON bodies with two spaces; clients that split errors by line see the same text. */
export function sendGoogleJson(reply: ServerResponse, body: unknown, status = 200): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  reply.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    vary: 'Origin, X-Origin, Referer',
  });
  reply.end(text);
}
