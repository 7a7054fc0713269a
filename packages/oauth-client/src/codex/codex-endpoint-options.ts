/**
 * How the client names itself to auth.openai.com. The official client sends `originator` and `User-Agent` on every
 * call, refresh and revoke included (docs/codex-protocol.md §4.1, §5.2); one identity for all of them keeps our
 * traffic recognisable as one client's.
 */
export type CodexClientIdentity = {
  /** Sent as the `originator` header, e.g. `codex_cli_rs`, or the gateway's own name. */
  originator: string;
  /** Sent as `User-Agent`. */
  userAgent: string;
};

/** What every call to auth.openai.com takes: where it is, who calls, and an injectable fetch (tests point it at a fake). */
export type CodexEndpointOptions = {
  /** `GATEWAY_OPENAI_AUTH_URL`, e.g. `https://auth.openai.com`; no trailing slash needed. */
  baseUrl: string;
  identity: CodexClientIdentity;
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

/** The headers of a JSON call to auth.openai.com, identity included. */
export function codexJsonHeaders(identity: CodexClientIdentity): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', ...codexIdentityHeaders(identity) };
}

export function codexIdentityHeaders(identity: CodexClientIdentity): Record<string, string> {
  return { originator: identity.originator, 'user-agent': identity.userAgent };
}
