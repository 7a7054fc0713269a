import type { FakeRequest } from '../fake-request.ts';
import type { GoogleApiErrorBody } from './google-api-error.ts';
import { buildGoogleApiError } from './google-api-error.ts';

/** What a fake Google OAuth server says about a bearer token: unknown (false), or valid with the account's email. */
export type AccessTokenVerdict = boolean | { email?: string; scopes?: readonly string[] };
export type VerifyAccessToken = (token: string) => AccessTokenVerdict | Promise<AccessTokenVerdict>;

/** Who made an accepted request. */
export type FakeGeminiCaller =
  | { method: string; path: string; kind: 'api-key'; apiKey: string }
  | { method: string; path: string; kind: 'oauth'; email: string | undefined };

const GENERATIVE_LANGUAGE_SCOPES = [
  'https://www.googleapis.com/auth/generative-language',
  'https://www.googleapis.com/auth/generative-language.retriever',
  'https://www.googleapis.com/auth/cloud-platform',
];

export type AuthorizeGeminiRequestOptions = {
  request: FakeRequest<Record<string, string>>;
  apiKeys: ReadonlySet<string>;
  verifyAccessToken: VerifyAccessToken | undefined;
};

export type GeminiAuthorization = { ok: true; caller: FakeGeminiCaller } | { ok: false; error: GoogleApiErrorBody };

/**
 * `x-goog-api-key` (or the older `?key=`) or `Authorization: Bearer <access token>` (docs/google-protocol.md §3.1,
 * §5.3). No credential is a 403, a bad key a 400 API_KEY_INVALID, a bad token a 401, a token without a Gemini scope a
 * 403.
 */
export async function authorizeGeminiRequest(options: AuthorizeGeminiRequestOptions): Promise<GeminiAuthorization> {
  const { request } = options;
  const where = { method: request.method, path: request.path };
  const headerKey = request.headers['x-goog-api-key'];
  const apiKey =
    (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? request.url.searchParams.get('key') ?? undefined;
  if (apiKey != null && apiKey !== '') {
    if (options.apiKeys.has(apiKey)) return { ok: true, caller: { ...where, kind: 'api-key', apiKey } };
    const message = 'API key not valid. Please pass a valid API key.';
    return {
      ok: false,
      error: buildGoogleApiError({
        code: 400,
        message,
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
          { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
        ],
      }),
    };
  }
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer == null) {
    return {
      ok: false,
      error: buildGoogleApiError({
        code: 403,
        message:
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or " +
          'other form of API consumer identity to call this API.',
      }),
    };
  }
  const verdict = options.verifyAccessToken == null ? false : await options.verifyAccessToken(bearer);
  if (verdict === false) {
    return {
      ok: false,
      error: buildGoogleApiError({
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
          'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      }),
    };
  }
  const details = verdict === true ? {} : verdict;
  if (details.scopes != null && !details.scopes.some((scope) => GENERATIVE_LANGUAGE_SCOPES.includes(scope))) {
    return {
      ok: false,
      error: buildGoogleApiError({
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ],
      }),
    };
  }
  return { ok: true, caller: { ...where, kind: 'oauth', email: details.email } };
}
