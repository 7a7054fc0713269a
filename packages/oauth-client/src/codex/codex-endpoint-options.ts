/** What every call to auth.openai.com takes: where it is, and an injectable fetch (tests point it at a fake). */
export type CodexEndpointOptions = {
  /** `GATEWAY_OPENAI_AUTH_URL`, e.g. `https://auth.openai.com`; no trailing slash needed. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Aborts the request (client went away, shutdown). A 15 s timeout applies in any case. */
  signal?: AbortSignal;
};

/** Upper bound for one call to the auth server; Codex uses 10 s for revoke and similar for the rest. */
export const CODEX_REQUEST_TIMEOUT_MS = 15_000;

export function normaliseBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function requestSignal(signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(CODEX_REQUEST_TIMEOUT_MS);
  return signal == null ? timeout : AbortSignal.any([signal, timeout]);
}
