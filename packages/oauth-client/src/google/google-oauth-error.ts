/**
 * Why a step of the Google sign-in failed, in terms the caller acts on:
 * - `invalid_grant`: Google refused the grant. On refresh ("Token has been expired or revoked.") it is permanent:
 *   the user must connect the account again. On code exchange the code, verifier or redirect URI did not fit.
 * - `invalid_client`: the client id or secret is wrong (or the refresh token belongs to another client): the user
 *   must fix the OAuth client in the gateway settings; retrying cannot help.
 * - `access_denied`: the user declined on Google's consent screen, or did not grant a required scope.
 * - `transient`: 5xx, 429, timeouts, network errors: try again later.
 * - `protocol`: an answer or callback we could not accept (bad state, malformed body, unexpected error code).
 */
export type GoogleOAuthErrorKind = 'invalid_grant' | 'invalid_client' | 'access_denied' | 'transient' | 'protocol';

/** Which step failed; `isPermanent` depends on it. */
export type GoogleOAuthStep = 'authorization' | 'token_exchange' | 'refresh' | 'revocation';

export class GoogleOAuthError extends Error {
  override name = 'GoogleOAuthError';
  readonly kind: GoogleOAuthErrorKind;
  readonly step: GoogleOAuthStep;
  /** HTTP status of Google's answer, when there was one. */
  readonly status: number | undefined;
  /** Google's own error code (`invalid_grant`, `redirect_uri_mismatch`, `access_denied`, …), when it sent one. */
  readonly upstreamCode: string | undefined;
  /** Seconds to wait before retrying, from `Retry-After`, for transient failures. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    kind: GoogleOAuthErrorKind;
    step: GoogleOAuthStep;
    message: string;
    status?: number | undefined;
    upstreamCode?: string | undefined;
    retryAfterSeconds?: number | undefined;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.kind = options.kind;
    this.step = options.step;
    this.status = options.status;
    this.upstreamCode = options.upstreamCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /**
   * True when retrying with the same credential can never succeed: a refused refresh token (docs/google-protocol.md
   * §1.4: `invalid_grant` means sign in again) or a refused client.
   */
  get isPermanent(): boolean {
    return (this.kind === 'invalid_grant' && this.step === 'refresh') || this.kind === 'invalid_client';
  }
}
