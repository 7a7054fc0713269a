/**
 * A strict in-memory stand-in for the gateway's OAuth 2.1 server (docs/mcp-oauth.md: issuer `<gateway>/oauth`,
 * metadata at the root well-known URL, dynamic registration of public clients, code + PKCE S256 only, `iss` on the
 * redirect, rotating refresh tokens with replay detection), reached through a `fetch` function. Tests of the SDK
 * only: the server's real endpoints are tested in apps/server.
 */
export type FakeAuthorizationServer = {
  fetch: typeof fetch;
  /** Every request it saw, in order. */
  requests: { method: string; url: string; body: URLSearchParams | Record<string, unknown> | null }[];
  clients: Map<string, { redirectUris: string[]; name: string }>;
  /** Approves an authorization URL as the user would, returning the redirect with `code`, `state` and `iss`. */
  approve(authorizationUrl: string): string;
  /** Revokes every token of the grant (Connected apps → Disconnect). */
  revokeAll(): void;
  /** Access tokens currently valid. */
  validAccessTokens: Set<string>;
  /** Lifetime of the access tokens it issues, in seconds. */
  accessTokenTtl: number;
};

export const FAKE_GATEWAY = 'http://gateway.test';
const ISSUER = `${FAKE_GATEWAY}/oauth`;

export function createFakeAuthorizationServer(): FakeAuthorizationServer {
  const requests: FakeAuthorizationServer['requests'] = [];
  const clients: FakeAuthorizationServer['clients'] = new Map();
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; scope: string }>();
  /** refresh token → its state; a used one stays, so a replay is recognised. */
  const refreshTokens = new Map<string, { clientId: string; scope: string; used: boolean }>();
  const validAccessTokens = new Set<string>();
  let counter = 0;
  const next = (prefix: string) => `${prefix}_${++counter}`;

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    });
  const oauthError = (error: string, description: string, status = 400) =>
    json(status, { error, error_description: description });

  const issueTokens = (clientId: string, scope: string) => {
    const accessToken = next('at');
    const refreshToken = next('rt');
    validAccessTokens.add(accessToken);
    refreshTokens.set(refreshToken, { clientId, scope, used: false });
    return json(200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: server.accessTokenTtl,
      refresh_token: refreshToken,
      scope,
    });
  };

  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const method = init?.method ?? 'GET';
    const rawBody = init?.body;
    const body =
      rawBody == null
        ? null
        : rawBody instanceof URLSearchParams
          ? rawBody
          : (JSON.parse(String(rawBody)) as Record<string, unknown>);
    requests.push({ method, url: url.toString(), body });
    if (url.origin !== FAKE_GATEWAY) throw new TypeError(`fetch failed: no route to ${url.origin}`);

    if (method === 'GET' && url.pathname === '/.well-known/oauth-authorization-server') {
      return json(200, {
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/auth`,
        token_endpoint: `${ISSUER}/token`,
        registration_endpoint: `${ISSUER}/reg`,
        revocation_endpoint: `${ISSUER}/token/revocation`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        authorization_response_iss_parameter_supported: true,
        scopes_supported: ['ai', 'mcp:tools'],
      });
    }
    if (method === 'POST' && url.pathname === '/oauth/reg') {
      const metadata = body as Record<string, unknown>;
      const redirectUris = metadata.redirect_uris as string[] | undefined;
      if (metadata.token_endpoint_auth_method !== 'none' || redirectUris == null || redirectUris.length === 0) {
        return oauthError('invalid_client_metadata', 'public clients with redirect_uris only');
      }
      const clientId = next('client');
      clients.set(clientId, { redirectUris, name: String(metadata.client_name) });
      return json(201, { ...metadata, client_id: clientId });
    }
    if (method === 'POST' && url.pathname === '/oauth/token') {
      const form = body as URLSearchParams;
      const clientId = form.get('client_id') ?? '';
      if (!clients.has(clientId)) return oauthError('invalid_client', 'unknown client', 401);
      if (form.get('grant_type') === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (code == null || code.clientId !== clientId) return oauthError('invalid_grant', 'unknown or used code');
        if (code.redirectUri !== form.get('redirect_uri')) return oauthError('invalid_grant', 'redirect_uri mismatch');
        if ((await s256(form.get('code_verifier') ?? '')) !== code.challenge) {
          return oauthError('invalid_grant', 'PKCE verification failed');
        }
        return issueTokens(clientId, code.scope);
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = refreshTokens.get(form.get('refresh_token') ?? '');
        if (refresh == null || refresh.clientId !== clientId)
          return oauthError('invalid_grant', 'grant request is invalid');
        if (refresh.used) {
          // Replay of a rotated refresh token: the whole grant is revoked (RFC 9700 §4.14).
          server.revokeAll();
          return oauthError('invalid_grant', 'refresh token reused');
        }
        refresh.used = true;
        return issueTokens(clientId, refresh.scope);
      }
      return oauthError('unsupported_grant_type', 'code or refresh_token');
    }
    return json(404, { error: { code: 'not_found', message: `no route ${method} ${url.pathname}` } });
  };

  const server: FakeAuthorizationServer = {
    fetch: fetchImpl,
    requests,
    clients,
    validAccessTokens,
    accessTokenTtl: 3600,
    approve(authorizationUrl) {
      const url = new URL(authorizationUrl);
      const clientId = url.searchParams.get('client_id') ?? '';
      const client = clients.get(clientId);
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      if (url.origin + url.pathname !== `${ISSUER}/auth`) throw new Error(`not our authorization endpoint: ${url}`);
      if (client == null || !client.redirectUris.includes(redirectUri)) throw new Error('unknown client or redirect');
      if (url.searchParams.get('response_type') !== 'code') throw new Error('response_type must be code');
      if (url.searchParams.get('code_challenge_method') !== 'S256') throw new Error('PKCE S256 is required');
      const challenge = url.searchParams.get('code_challenge');
      if (challenge == null || !/^[\w-]{43}$/.test(challenge)) throw new Error('a code_challenge is required');
      const code = next('code');
      codes.set(code, { clientId, redirectUri, challenge, scope: url.searchParams.get('scope') ?? '' });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      back.searchParams.set('iss', ISSUER);
      return back.toString();
    },
    revokeAll() {
      validAccessTokens.clear();
      for (const token of refreshTokens.values()) token.used = true;
    },
  };
  return server;
}

async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A storage like `sessionStorage`, in memory. */
export function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => {
      items.delete(key);
    },
    setItem: (key, value) => {
      items.set(key, value);
    },
  };
}
