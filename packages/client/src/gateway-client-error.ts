/**
 * An error answer of the gateway, or a failure to reach it. `code` is the gateway's stable error code
 * (`usage_limit_reached`, `unauthenticated`, …) or one of the client's own: `network_error` (no answer at all),
 * `stream_lost` (a stream dropped and could not be resumed), `unauthenticated` (an app connection the gateway no
 * longer accepts: connect again). `retryAfter` is in seconds when the gateway said when to try again, and
 * `resetsAt` says when a usage limit resets (such answers also say `x-should-retry: false`: nothing here retries
 * them by itself).
 */
export class GatewayClientError extends Error {
  override name = 'GatewayClientError';
  /** The HTTP status; null when there was no answer, or when the error came inside a stream that had started. */
  readonly status: number | null;
  readonly code: string;
  readonly retryAfter: number | null;
  /** When a usage limit resets (`usage_limit_reached`), or null. */
  readonly resetsAt: Date | null;

  constructor(options: {
    status: number | null;
    code: string;
    message: string;
    retryAfter: number | null;
    resetsAt?: Date | null;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.retryAfter = options.retryAfter;
    this.resetsAt = options.resetsAt ?? null;
  }

  /** Reads the `{ error: { code, message } }` envelope (and `Retry-After`) of a non-2xx response. */
  static async fromResponse(response: Response): Promise<GatewayClientError> {
    const text = await response.text().catch(() => '');
    let code = 'http_error';
    let message = `The gateway answered ${response.status}.`;
    let resetsAt: Date | null = null;
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; resetsAt?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string') message = body.error.message;
      const reset = typeof body.error?.resetsAt === 'string' ? new Date(body.error.resetsAt) : null;
      if (reset != null && !Number.isNaN(reset.getTime())) resetsAt = reset;
    } catch {
      // Not our envelope (a proxy's HTML page, say): keep the generic message.
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return new GatewayClientError({
      status: response.status,
      code,
      message,
      retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      resetsAt,
    });
  }

  /** The gateway could not be reached (DNS, refused connection, CORS refusal in a browser, offline). */
  static network(baseUrl: string, cause: unknown): GatewayClientError {
    return new GatewayClientError({
      status: null,
      code: 'network_error',
      message: `Could not reach the gateway at ${baseUrl}: ${(cause as Error)?.message ?? String(cause)}`,
      retryAfter: null,
      cause,
    });
  }
}

/** Whether `error` is the abort of a signal (fetch, a reader or a sleep), which callers handle as "stopped". */
export function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
