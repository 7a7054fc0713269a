import type { IncomingHttpHeaders } from 'node:http';
import type { FakeGoogleOAuthStore } from './create-fake-google-oauth-store.ts';
import type { FakeGoogleClient } from './fake-google-client.ts';

export type GoogleClientAuthentication =
  | { kind: 'authenticated'; client: FakeGoogleClient; method: 'client_secret_basic' | 'client_secret_post' }
  | { kind: 'rejected'; status: number; error: string; description: string };

/**
 * Client authentication at the token endpoint, both ways Google's discovery document lists:
 * `client_secret_basic` (RFC 6749 §2.3.1: id and secret form-encoded, then Base64 in `Authorization: Basic`) and
 * `client_secret_post` (both in the body). Using both at once is refused, as RFC 6749 §2.3 forbids it.
 * Answers follow docs/google-protocol.md §5.1: unknown client or missing secret 401 `invalid_client`.
 */
export function readGoogleClientAuthentication(options: {
  store: FakeGoogleOAuthStore;
  headers: IncomingHttpHeaders;
  params: URLSearchParams;
}): GoogleClientAuthentication {
  const { params } = options;
  const reject = (status: number, error: string, description: string): GoogleClientAuthentication => ({
    kind: 'rejected',
    status,
    error,
    description,
  });
  const authorization = options.headers.authorization;
  let clientId = params.get('client_id') ?? undefined;
  let clientSecret = params.get('client_secret') ?? undefined;
  let method: 'client_secret_basic' | 'client_secret_post' = 'client_secret_post';
  if (authorization != null) {
    const basic = parseBasicAuthorization(authorization);
    if (basic == null) return reject(401, 'invalid_client', 'Unauthorized');
    if (clientSecret != null) {
      return reject(400, 'invalid_request', 'Only one client authentication method may be used.');
    }
    if (clientId != null && clientId !== basic.clientId) {
      return reject(400, 'invalid_request', 'The client_id in the body does not match the Authorization header.');
    }
    clientId = basic.clientId;
    clientSecret = basic.clientSecret;
    method = 'client_secret_basic';
  }
  if (clientId == null || clientId === '') {
    return reject(400, 'invalid_request', 'Could not determine client ID from request.');
  }
  const client = options.store.findClient(clientId);
  if (client == null) return reject(401, 'invalid_client', 'The OAuth client was not found.');
  if (clientSecret == null || clientSecret === '') return reject(401, 'invalid_client', 'client_secret is missing.');
  if (clientSecret !== client.clientSecret) return reject(401, 'invalid_client', 'Unauthorized');
  return { kind: 'authenticated', client, method };
}

function parseBasicAuthorization(header: string): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (match?.[1] == null) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const decode = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
    return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
