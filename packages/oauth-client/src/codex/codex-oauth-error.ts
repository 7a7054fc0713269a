/**
 * Why a call to auth.openai.com failed, in terms the caller acts on:
 * - `refresh_token_reused` / `refresh_token_expired` / `refresh_token_invalidated` / `unauthorized`: permanent for
 *   this credential; the user must sign in again (no retry loop);
 * - `invalid_grant`: an authorization code or verifier was refused (expired, used, mismatched redirect);
 * - `access_denied`: the user declined, or the account has no Codex entitlement;
 * - `device_code_disabled`: device-code sign-in is off for this account or server;
 * - `transient`: 5xx, 429, timeouts, network errors: try again later;
 * - `protocol`: an answer we could not understand.
 */
export type CodexOAuthErrorKind =
  | 'refresh_token_reused'
  | 'refresh_token_expired'
  | 'refresh_token_invalidated'
  | 'unauthorized'
  | 'invalid_grant'
  | 'access_denied'
  | 'device_code_disabled'
  | 'transient'
  | 'protocol';

const PERMANENT_KINDS: ReadonlySet<CodexOAuthErrorKind> = new Set([
  'refresh_token_reused',
  'refresh_token_expired',
  'refresh_token_invalidated',
  'unauthorized',
]);

export class CodexOAuthError extends Error {
  override name = 'CodexOAuthError';
  readonly kind: CodexOAuthErrorKind;
  /** HTTP status of the upstream answer, when there was one. */
  readonly status: number | undefined;
  /** The upstream's own error code (`refresh_token_reused`, `invalid_grant`, …), when it sent one. */
  readonly upstreamCode: string | undefined;
  /** Seconds to wait before retrying, from `Retry-After`, for transient failures. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    kind: CodexOAuthErrorKind;
    message: string;
    status?: number | undefined;
    upstreamCode?: string | undefined;
    retryAfterSeconds?: number | undefined;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.kind = options.kind;
    this.status = options.status;
    this.upstreamCode = options.upstreamCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** True when retrying with the same credential can never succeed (docs/codex-protocol.md §4.5). */
  get isPermanent(): boolean {
    return PERMANENT_KINDS.has(this.kind);
  }
}
