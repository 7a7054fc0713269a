import type { GatewayErrorCode } from '@pag/contracts';

/**
 * Codes the browser adds to the gateway's own: the request never got an answer, or the answer was not
 * what the contracts promise (a proxy's HTML error page, a server/web version mismatch).
 */
export type ClientErrorCode = 'network_error' | 'unexpected_response';

export type ApiErrorCode = GatewayErrorCode | ClientErrorCode;

export type ApiErrorOptions = {
  code: ApiErrorCode;
  message: string;
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  /** Seconds from the `Retry-After` header, when the server sent one. */
  retryAfter?: number | null;
  /** When a usage limit resets (ISO 8601), from the envelope. */
  resetsAt?: string | null;
  /** The technical account behind `message`, from the envelope: shown folded, under "Details". */
  details?: string | null;
  cause?: unknown;
};

/** A failed call to the gateway API, carrying the envelope's `code` and the message to show the user. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly retryAfter: number | null;
  readonly resetsAt: string | null;
  readonly details: string | null;

  constructor(options: ApiErrorOptions) {
    super(options.message, { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
    this.retryAfter = options.retryAfter ?? null;
    this.resetsAt = options.resetsAt ?? null;
    this.details = options.details ?? null;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
