import * as oauth from 'oauth4webapi';
import { GOOGLE_ISSUER } from './google-oauth-constants.ts';

/** What every network step takes besides its own fields. */
export type GoogleRequestOptions = {
  /** Injected by tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Aborts the request (client went away, shutdown). A 15 s timeout applies in any case. */
  signal?: AbortSignal;
};

/** Upper bound for one call to Google's token or revocation endpoint. */
export const GOOGLE_REQUEST_TIMEOUT_MS = 15_000;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks an endpoint or redirect URI given by configuration: absolute https, or http on a loopback host only (where
 * the test fakes run). Misuse is a programmer error, so it throws a coded TypeError rather than a GoogleOAuthError.
 */
export function parseGoogleUrl(options: { value: unknown; name: string }): URL {
  const { value, name } = options;
  const problem = `"${name}" must be an absolute https URL (http only for loopback hosts)`;
  if (typeof value !== 'string' || !URL.canParse(value)) throw codedTypeError(problem, 'ERR_INVALID_ARG_TYPE');
  const url = new URL(value);
  const isLoopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
  if (url.protocol !== 'https:' && !isLoopbackHttp) throw codedTypeError(problem, 'ERR_INVALID_ARG_VALUE');
  return url;
}

export function requireString(options: { value: unknown; name: string }): string {
  if (typeof options.value !== 'string' || options.value === '') {
    throw codedTypeError(`"${options.name}" must be a non-empty string`, 'ERR_INVALID_ARG_TYPE');
  }
  return options.value;
}

export function codedTypeError(message: string, code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE'): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/** Google's token endpoint described for oauth4webapi; no discovery fetch is needed for these fixed endpoints. */
export function googleAuthorizationServer(options: {
  tokenEndpoint: URL;
  issuer: string | undefined;
}): oauth.AuthorizationServer {
  return { issuer: options.issuer ?? GOOGLE_ISSUER, token_endpoint: options.tokenEndpoint.href };
}

/**
 * oauth4webapi refuses plain http unless told otherwise; `parseGoogleUrl` has already limited http to loopback.
 */
export function googleTokenRequestOptions(options: {
  endpoint: URL;
  fetch: typeof fetch | undefined;
  signal: AbortSignal | undefined;
}): oauth.TokenEndpointRequestOptions {
  return {
    signal: requestSignal(options.signal),
    ...(options.fetch == null ? {} : { [oauth.customFetch]: options.fetch }),
    ...(options.endpoint.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

export function requestSignal(signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(GOOGLE_REQUEST_TIMEOUT_MS);
  return signal == null ? timeout : AbortSignal.any([signal, timeout]);
}
