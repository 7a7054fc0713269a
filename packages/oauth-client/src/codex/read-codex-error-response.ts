import { CodexOAuthError, type CodexOAuthErrorKind } from './codex-oauth-error.ts';

type ErrorBody = {
  error?: string | { message?: unknown; code?: unknown; type?: unknown } | null;
  error_description?: unknown;
  code?: unknown;
  message?: unknown;
};

const REFRESH_CODES: Readonly<Record<string, CodexOAuthErrorKind>> = {
  refresh_token_reused: 'refresh_token_reused',
  refresh_token_expired: 'refresh_token_expired',
  refresh_token_invalidated: 'refresh_token_invalidated',
};

/**
 * Turns a non-2xx answer of auth.openai.com into a {@link CodexOAuthError}. The server mixes two error shapes
 * (OAuth `{error, error_description}` and OpenAI `{error: {message, code}}`), so the code is looked up where
 * Codex looks: `error.code`, then `error` as a string, then a top-level `code` (docs/codex-protocol.md §2.3, §4.5).
 */
export async function readCodexErrorResponse(response: Response): Promise<CodexOAuthError> {
  const text = await response.text().catch(() => '');
  let body: ErrorBody = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed != null && typeof parsed === 'object') body = parsed as ErrorBody;
  } catch {
    // Not JSON (an HTML error page from a proxy, say): classified by status alone.
  }
  const errorObject = typeof body.error === 'object' && body.error != null ? body.error : undefined;
  const upstreamCode = asString(errorObject?.code) ?? asString(body.error) ?? asString(body.code);
  const upstreamMessage =
    asString(body.error_description) ?? asString(errorObject?.message) ?? asString(body.message) ?? upstreamCode;
  const status = response.status;
  const retryAfter = Number(response.headers.get('retry-after'));
  const kind = classify(status, upstreamCode);
  return new CodexOAuthError({
    kind,
    status,
    upstreamCode,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    message: `auth.openai.com answered ${status}${upstreamMessage == null ? '' : `: ${upstreamMessage.slice(0, 300)}`}`,
  });
}

function classify(status: number, upstreamCode: string | undefined): CodexOAuthErrorKind {
  const refreshKind = upstreamCode == null ? undefined : REFRESH_CODES[upstreamCode];
  if (refreshKind != null) return refreshKind;
  if (status === 429 || status >= 500) return 'transient';
  if (status === 401) return 'unauthorized';
  if (upstreamCode === 'access_denied' || upstreamCode === 'authorization_declined') return 'access_denied';
  if (status === 400 || status === 403) return 'invalid_grant';
  return 'protocol';
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
