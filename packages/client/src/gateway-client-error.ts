/**
 * An error answer of the gateway, or a failure to reach it. `code` is the gateway's stable error code
 * (`usage_limit_reached`, `unauthenticated`, …) or `network_error`; `retryAfter` is in seconds when the gateway
 * said when to try again, and `resetsAt` says when a usage limit resets (such answers also say `x-should-retry:
 * false`: nothing here retries by itself).
 */
export class GatewayClientError extends Error {
  override name = 'GatewayClientError';
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
}
