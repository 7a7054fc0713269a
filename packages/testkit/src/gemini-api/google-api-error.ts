import type { ServerResponse } from 'node:http';

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

export type GoogleApiErrorOptions = {
  code: number;
  message: string;
  /** Defaults from `code`: 400 INVALID_ARGUMENT, 429 RESOURCE_EXHAUSTED, … */
  status?: string;
  /** Left out of the body when empty, as Google does. */
  details?: Record<string, unknown>[];
};

export function buildGoogleApiError(options: GoogleApiErrorOptions): GoogleApiErrorBody {
  return {
    error: {
      code: options.code,
      message: options.message,
      status: options.status ?? STATUS_NAMES[options.code] ?? 'UNKNOWN',
      ...(options.details == null || options.details.length === 0 ? {} : { details: options.details }),
    },
  };
}

/** Thrown by validators so nested checks stop at the first problem; routes turn it into the response. */
export class GoogleRequestRejectedError extends Error {
  readonly body: GoogleApiErrorBody;

  constructor(options: GoogleApiErrorOptions) {
    super(options.message);
    this.body = buildGoogleApiError(options);
  }
}

/** Google pretty-prints JSON bodies with two spaces; clients that split errors by line see the same text. */
export function sendGoogleJson(options: { reply: ServerResponse; status?: number; body: unknown }): void {
  const text = `${JSON.stringify(options.body, null, 2)}\n`;
  options.reply.writeHead(options.status ?? 200, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    vary: 'Origin, X-Origin, Referer',
  });
  options.reply.end(text);
}

export function sendGoogleApiError(options: { reply: ServerResponse; body: GoogleApiErrorBody }): void {
  sendGoogleJson({ reply: options.reply, status: options.body.error.code, body: options.body });
}

/** A proto JSON parse problem: the message repeated as a BadRequest field violation. */
export function rejectInvalidPayload(options: { message: string; field?: string }): GoogleRequestRejectedError {
  const violation =
    options.field == null ? { description: options.message } : { field: options.field, description: options.message };
  return new GoogleRequestRejectedError({
    code: 400,
    message: options.message,
    details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [violation] }],
  });
}

/** A request-level check, worded as `* GenerateContentRequest.<field>: <problem>\n` like the real server. */
export function rejectRequestField(options: {
  request: string;
  field: string;
  problem: string;
}): GoogleRequestRejectedError {
  return new GoogleRequestRejectedError({
    code: 400,
    message: `* ${options.request}.${options.field}: ${options.problem}\n`,
  });
}
