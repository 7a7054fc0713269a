import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import { sendJson } from '../send-json.ts';

/** What both OAuth fakes read and write on the wire: parameters, errors, redirects, PKCE. */

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export type OAuthParams = { kind: 'form' | 'json'; params: URLSearchParams } | { kind: 'invalid'; description: string };

/**
 * Flat string parameters by content type only (sniffing would hide a client sending the wrong one): a form, or JSON
 * when `isJsonAccepted`. A repeated form field is refused (RFC 6749 §3.2) in the server's own words.
 */
export function readOAuthParams(
  request: FakeRequest,
  options: { isJsonAccepted: boolean; repeated: (name: string) => string },
): OAuthParams {
  const invalid = (description: string): OAuthParams => ({ kind: 'invalid', description });
  const mediaType = mediaTypeOf(request);
  if (mediaType === FORM_MEDIA_TYPE) {
    const repeated = findRepeatedParam(request.form());
    return repeated == null ? { kind: 'form', params: request.form() } : invalid(options.repeated(repeated));
  }
  if (mediaType !== 'application/json' || !options.isJsonAccepted) {
    const accepted = options.isJsonAccepted ? `${FORM_MEDIA_TYPE} or application/json` : FORM_MEDIA_TYPE;
    return invalid(`Unsupported content type "${mediaType}"; send ${accepted}.`);
  }
  let body: unknown;
  try {
    body = request.json();
  } catch {
    return invalid('The request body is not valid JSON.');
  }
  if (body == null || typeof body !== 'object' || Array.isArray(body)) {
    return invalid('The request body must be a JSON object.');
  }
  const params = new URLSearchParams();
  // Clients add fields such as `refresh_reason`; a non-string value is kept as its JSON text.
  for (const [name, value] of Object.entries(body)) {
    if (value != null) params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return { kind: 'json', params };
}

export function mediaTypeOf(request: FakeRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The first parameter sent more than once, which RFC 6749 §3.1 forbids. */
export function findRepeatedParam(params: URLSearchParams): string | undefined {
  return [...new Set(params.keys())].find((name) => params.getAll(name).length > 1);
}

/** Sends the RFC 6749 §5.2 error body both servers use, never cached (§5.1): `fail(status, error, description)`. */
export function oauthErrorSender(
  reply: ServerResponse,
  headers: OutgoingHttpHeaders = { 'cache-control': 'no-store' },
) {
  return (status: number, error: string, description: string): void =>
    sendJson({ reply, status, body: { error, error_description: description }, headers });
}

/** Back to the client's redirect URI with the authorization response. */
export function redirectTo(reply: ServerResponse, location: string): void {
  reply.writeHead(302, { location, 'cache-control': 'no-store' });
  reply.end();
}

/** base64url(SHA-256(verifier)) without padding (RFC 7636 §4.2). */
export function computePkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Whether a verifier (43–128 unreserved characters, RFC 7636 §4.1) hashes to the S256 challenge. */
export function isPkceVerifierFor(verifier: string, challenge: string): boolean {
  return /^[A-Za-z0-9._~-]{43,128}$/.test(verifier) && computePkceChallenge(verifier) === challenge;
}

/** An S256 challenge is always 43 base64url characters. */
export function isValidS256Challenge(challenge: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(challenge);
}
