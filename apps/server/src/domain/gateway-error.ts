import type { GatewayErrorCode } from '@pag/contracts';

export type GatewayErrorOptions = {
  cause?: unknown;
  /** Seconds the client should wait before trying again; sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** The request field to fix (`messages[2].tool_call_id`); the OpenAI-compatible API reports it as `param`. */
  param?: string;
  /** When a usage limit resets: sent in the body next to `Retry-After`, for clients that schedule (issue 17). */
  resetsAt?: Date;
  /**
   * The technical account behind a plain `message` (an upstream's own words): the envelope's `details`, which the
   * settings UI folds behind "Details" (issue 17). Never a secret.
   */
  details?: string;
};

/**
 * The one error type domain code throws for anything a client should see. The HTTP status comes from the single
 * table in `plugins/error-handler.ts`, keyed by `code`; the message must say what to fix and never holds secrets.
 */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly param: string | undefined;
  readonly resetsAt: Date | undefined;
  readonly details: string | undefined;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.param = options.param;
    this.resetsAt = options.resetsAt;
    this.details = options.details;
  }
}
