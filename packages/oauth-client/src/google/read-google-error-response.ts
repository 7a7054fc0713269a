import type { GoogleOAuthErrorKind, GoogleOAuthStep } from './google-oauth-error.ts';
import { GoogleOAuthError } from './google-oauth-error.ts';

const KIND_BY_CODE: Readonly<Record<string, GoogleOAuthErrorKind>> = {
  invalid_grant: 'invalid_grant',
  // The code was issued for another redirect URI, so it cannot be redeemed here: the same outcome as a bad code.
  redirect_uri_mismatch: 'invalid_grant',
  invalid_client: 'invalid_client',
  // A refresh token presented by a client other than the one it was issued to.
  unauthorized_client: 'invalid_client',
  access_denied: 'access_denied',
};

/**
 * Turns a non-2xx answer of Google's token or revocation endpoint into a {@link GoogleOAuthError}. Google's body is
 * the flat `{"error","error_description"}` (docs/google-protocol.md §1.4, §5.1); anything else (an HTML page from a
 * proxy, say) is classified by status alone.
 */
export async function readGoogleErrorResponse(options: {
  response: Response;
  step: GoogleOAuthStep;
}): Promise<GoogleOAuthError> {
  const { response, step } = options;
  const text = await response.text().catch(() => '');
  let body: { error?: unknown; error_description?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed != null && typeof parsed === 'object') body = parsed as typeof body;
  } catch {
    // Not JSON: classified by status alone.
  }
  const upstreamCode = asString(body.error);
  const description = asString(body.error_description);
  const status = response.status;
  const retryAfter = Number(response.headers.get('retry-after'));
  const detail = [upstreamCode, description].filter((part) => part != null).join(': ');
  return new GoogleOAuthError({
    kind: classify({ status, upstreamCode }),
    step,
    status,
    upstreamCode,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    message: `Google answered ${status}${detail === '' ? '' : ` ${detail.slice(0, 300)}`}`,
  });
}

function classify(options: { status: number; upstreamCode: string | undefined }): GoogleOAuthErrorKind {
  const { status, upstreamCode } = options;
  if (status === 429 || status >= 500) return 'transient';
  const byCode = upstreamCode == null ? undefined : KIND_BY_CODE[upstreamCode];
  if (byCode != null) return byCode;
  if (status === 401) return 'invalid_client';
  return 'protocol';
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
