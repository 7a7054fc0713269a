import { errors } from 'oidc-provider';

/**
 * Client metadata that would make the authorization server fetch a URL the registering party chose:
 * `sector_identifier_uri` is fetched during registration itself, `jwks_uri` when keys are needed. Registration is
 * unauthenticated, so either would let anyone make the gateway connect where they like (a port scan of its
 * network: issue 16). The gateway uses neither (public subject identifiers, no client key authentication).
 */
const FETCHED_URI_FIELDS = ['sector_identifier_uri', 'jwks_uri'] as const;

/** Refuses a registration carrying metadata the server would fetch (RFC 7591 §3.2.2 `invalid_client_metadata`). */
export function refuseFetchedClientUris(metadata: Record<string, unknown>): void {
  for (const field of FETCHED_URI_FIELDS) {
    if (metadata[field] !== undefined) {
      throw new errors.InvalidClientMetadata(`${field} is not supported by this server: leave it out`);
    }
  }
}
