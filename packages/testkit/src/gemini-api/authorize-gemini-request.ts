import type { FakeRequest } from '../fake-request.ts';
import { googleError } from './google-api-error.ts';

/** What a fake Google OAuth server says about a bearer token: unknown (false), or valid with the account's email. */
export type AccessTokenVerdict = boolean | { email?: string; scopes?: readonly string[] };
export type VerifyAccessToken = (token: string) => AccessTokenVerdict | Promise<AccessTokenVerdict>;

/** Who made an accepted request. */
export type FakeGeminiCaller =
  | { method: string; path: string; kind: 'api-key'; apiKey: string }
  | { method: string; path: string; kind: 'oauth'; email: string | undefined };

const UNREGISTERED_CALLER =
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or " +
  'other form of API consumer identity to call this API.';
const INVALID_CREDENTIALS =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
  'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const GEMINI_SCOPES = [
  'https://www.googleapis.com/auth/generative-language',
  'https://www.googleapis.com/auth/generative-language.retriever',
  'https://www.googleapis.com/auth/cloud-platform',
];

/**
 * `x-goog-api-key` (or `?key=`) or a bearer token (docs/google-protocol.md §3.1, §5.3): none is a 403, a bad key a 400
 * API_KEY_INVALID, a bad token a 401, one without a Gemini scope a 403.
 */
export async function authorizeGeminiRequest(
  request: FakeRequest,
  apiKeys: readonly string[],
  verifyAccessToken: VerifyAccessToken | undefined,
): Promise<FakeGeminiCaller> {
  const where = { method: request.method, path: request.path };
  const headerKey = request.headers['x-goog-api-key'];
  const apiKey = (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? request.url.searchParams.get('key') ?? '';
  if (apiKey !== '') {
    if (apiKeys.includes(apiKey)) return { ...where, kind: 'api-key', apiKey };
    const message = 'API key not valid. Please pass a valid API key.';
    const localized = { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message };
    throw googleError(400, message, [errorInfo('API_KEY_INVALID'), localized]);
  }
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer == null) throw googleError(403, UNREGISTERED_CALLER);
  const verdict = (await verifyAccessToken?.(bearer)) ?? false;
  if (verdict === false) throw googleError(401, INVALID_CREDENTIALS);
  const { email, scopes } = verdict === true ? {} : verdict;
  if (scopes != null && !scopes.some((scope) => GEMINI_SCOPES.includes(scope))) {
    throw googleError(403, 'Request had insufficient authentication scopes.', [
      errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT'),
    ]);
  }
  return { ...where, kind: 'oauth', email };
}

function errorInfo(reason: string): Record<string, unknown> {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain: 'googleapis.com',
    metadata: { service: 'generativelanguage.googleapis.com' },
  };
}
