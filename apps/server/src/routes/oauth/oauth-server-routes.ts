import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countRegisteredClients, deleteUnusedClients } from '../../domain/oauth-server/collect-unused-clients.ts';
import { MCP_SCOPE } from '../../domain/oauth-server/oauth-scopes.ts';
import { loadOnce } from '../../load-once.ts';
import { handOverResponse } from '../../plugins/hand-over-response.ts';
import type { RouteServices } from '../route-services.ts';

/** Where oidc-provider is mounted; the issuer is `{public URL}/oauth`. */
const OAUTH_MOUNT = '/oauth';
/** Abandoned registrations (no grant) older than this may be collected when the client table is full. */
const UNUSED_CLIENT_GRACE_MS = 10 * 60_000;

/** Rate limits per client address (docs/mcp-oauth.md §1.4, §1.8; the SDK's defaults are in the same range). */
const RATE_LIMITS = {
  register: { max: 30, timeWindow: '10 minutes' },
  token: { max: 120, timeWindow: '1 minute' },
  authorize: { max: 60, timeWindow: '1 minute' },
  other: { max: 120, timeWindow: '1 minute' },
} as const;

/**
 * The MCP authorization server's HTTP surface: oidc-provider (a Koa app) behind Fastify routes, plus the discovery
 * documents. Each oidc-provider endpoint is a Fastify route so it gets the gateway's rate limits, request ids and
 * security headers; the body is left unread for oidc-provider, which parses it itself.
 */
export async function oauthServerRoutes(app: FastifyInstance, services: RouteServices) {
  const { oauth } = services;
  // The provider's request handler, made on the first OAuth request (the provider itself is built then).
  const loadCallback = loadOnce(async () => (await oauth.loadProvider()).callback());
  const publicUrl = new URL(oauth.issuer);

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.split('?', 1)[0] === `${OAUTH_MOUNT}/register`) {
      // Browser apps register themselves (docs/app-connect.md §4): any origin may, since registration carries no
      // credentials and only creates a public client whose redirect URIs still pass our rules. oidc-provider
      // answers no CORS on this endpoint, so the gateway does.
      reply.header('access-control-allow-origin', '*');
      if (request.method === 'OPTIONS') {
        return reply
          .code(204)
          .header('access-control-allow-methods', 'POST')
          .header('access-control-allow-headers', 'content-type')
          .header('access-control-max-age', '600')
          .send();
      }
      const refusal = await makeRoomForRegistration(services);
      if (refusal != null) return reply.code(503).header('cache-control', 'no-store').send(refusal);
    }
    const callback = await loadCallback();
    const response = handOverResponse(reply);
    const raw = request.raw as IncomingMessage & { originalUrl?: string };
    raw.originalUrl = raw.url;
    raw.url = (raw.url ?? '/').slice(OAUTH_MOUNT.length) || '/';
    // Every URL oidc-provider builds comes from the configured public URL, never from what the client sent (RFC
    // 9700 §4.13); Fastify has already decided which proxy to trust for the client address.
    raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    raw.headers['x-forwarded-host'] = publicUrl.host;
    raw.headers['x-forwarded-for'] = request.ip;
    await callback(raw, response);
  };

  await app.register(async (scope) => {
    // oidc-provider reads the request body itself; Fastify must leave the stream untouched.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const route = (url: string, methods: string[], rateLimit: { max: number; timeWindow: string }) =>
      scope.route({ method: methods, url, config: { access: 'own-credentials', rateLimit }, handler: forward });
    route(`${OAUTH_MOUNT}/register`, ['POST', 'OPTIONS'], RATE_LIMITS.register);
    route(`${OAUTH_MOUNT}/token`, ['POST', 'OPTIONS'], RATE_LIMITS.token);
    route(`${OAUTH_MOUNT}/authorize`, ['GET', 'POST'], RATE_LIMITS.authorize);
    route(`${OAUTH_MOUNT}/*`, ['GET', 'POST', 'OPTIONS', 'DELETE', 'PUT'], RATE_LIMITS.other);
  });

  // Discovery (RFC 8414): the path-inserted URL for our issuer, the OpenID-style locations MCP clients also try
  // (docs/mcp-oauth.md §1.3), and the root for 2025-03-26 clients that look there. One document, one issuer string.
  let metadata: Record<string, unknown> | null = null;
  const sendMetadata = async (_request: FastifyRequest, reply: FastifyReply) => {
    metadata ??= await readPublishedMetadata(app);
    return reply
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'public, max-age=300')
      .send(metadata);
  };
  for (const url of [
    '/.well-known/oauth-authorization-server/oauth',
    '/.well-known/oauth-authorization-server',
    '/.well-known/openid-configuration/oauth',
    `${OAUTH_MOUNT}/.well-known/oauth-authorization-server`,
  ]) {
    app.get(url, { config: { access: 'public' } }, sendMetadata);
  }

  // Protected-resource metadata (RFC 9728) for /mcp: path-inserted, and at the root where clients fall back. Only
  // the MCP scope: `ai` belongs to another resource (docs/app-connect.md §2).
  const resourceMetadata = {
    resource: oauth.resource,
    authorization_servers: [oauth.issuer],
    scopes_supported: [MCP_SCOPE],
    bearer_methods_supported: ['header'],
    resource_name: 'Personal AI Gateway',
  };
  for (const url of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    app.get(url, { config: { access: 'public' } }, async (_request, reply) =>
      reply
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=300')
        .send(resourceMetadata),
    );
  }
}

/** The discovery document oidc-provider serves (trimmed to OAuth by the provider, see to-published-metadata.ts). */
async function readPublishedMetadata(app: FastifyInstance): Promise<Record<string, unknown>> {
  const response = await app.inject({ method: 'GET', url: `${OAUTH_MOUNT}/.well-known/openid-configuration` });
  if (response.statusCode !== 200) throw new Error(`oidc-provider discovery answered ${response.statusCode}`);
  return response.json() as Record<string, unknown>;
}

/**
 * Bounds dynamically registered clients (Claude registers one per connection): when the table is full, abandoned
 * registrations go first; if every client is in use the registration is refused with a message saying what to do.
 * A soft bound: registrations arriving together may each find the last free place (the count is checked before
 * oidc-provider stores the client), so the table may exceed the limit by a few.
 */
async function makeRoomForRegistration(
  services: RouteServices,
): Promise<{ error: string; error_description: string } | null> {
  const { oauth } = services;
  if ((await countRegisteredClients(oauth.store)) < oauth.maxClients) return null;
  await deleteUnusedClients(oauth.store, { olderThanMs: UNUSED_CLIENT_GRACE_MS });
  if ((await countRegisteredClients(oauth.store)) < oauth.maxClients) return null;
  return {
    error: 'temporarily_unavailable',
    error_description: `This gateway already holds ${oauth.maxClients} registered apps (GATEWAY_OAUTH_MAX_CLIENTS). Revoke unused ones under Settings → Connected apps, or raise the limit.`,
  };
}
