import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isOriginAllowedAnywhere } from '../domain/cors/is-origin-allowed-anywhere.ts';
import type { DomainContext } from '../domain/domain-context.ts';
import { crossOriginOf } from './cross-origin-of.ts';

export type CorsOptions = {
  context: DomainContext;
  /** `GATEWAY_CORS_ORIGINS`: allowed for every credential. */
  operatorOrigins: readonly string[];
  /** The gateway's own origin (its public URL's): never a cross-origin caller. */
  publicOrigin: string;
};

/**
 * The APIs a browser app may call from another origin: the note-app API, the OpenAI-compatible API and the OpenAPI
 * document. Everything else (the settings UI's session routes, sign-in, the OAuth server) never gets a CORS header.
 */
const CORS_PATHS = /^\/(?:api\/ai\/|v1(?:\/|$)|api\/openapi\.json$)/;

const ALLOW_METHODS = 'GET, POST, OPTIONS';
const ALLOW_HEADERS = 'authorization, content-type, last-event-id, x-api-key, anthropic-version, anthropic-beta';
/** What a browser app may read of an answer: the resumable stream's id and the retry and routing hints. */
const EXPOSE_HEADERS = 'x-stream-id, retry-after, x-gateway-provider, x-should-retry';
/** How long a browser may reuse a preflight answer: short, so a removed origin stops working within minutes. */
const MAX_AGE_SECONDS = '600';

/**
 * CORS for browser apps, safe by default (docs/cors.md). A preflight (`OPTIONS`) is answered here, before access
 * control: 204, with the allow headers only for an origin that the operator's list or some key's or app's policy
 * allows, and a log line for any other. A real request from an allowed origin gets `Access-Control-Allow-Origin`
 * and the exposed headers, so the app can read the answer, errors included; whether its own caller may use that
 * origin is checked once the caller is known (`access-control.ts`, `origin_not_allowed`). Never
 * `Access-Control-Allow-Credentials`: browsers then send no cookie, and the access control ignores one that comes
 * cross-origin anyway.
 *
 * Not `@fastify/cors`: it answers a refused preflight with 404 and cannot tell a per-caller check from the
 * preflight's "allowed anywhere"; what is needed here is a few headers on one hook.
 */
export const corsPlugin = fp(
  async (app: FastifyInstance, options: CorsOptions) => {
    const isAllowed = (origin: string) =>
      isOriginAllowedAnywhere(options.context, { origin, operatorOrigins: options.operatorOrigins });

    const refuse = (request: FastifyRequest, origin: string) => {
      request.log.info(
        { origin, method: request.method, path: request.url.split('?')[0] },
        'CORS: origin not allowed (allow it on a key or app, or in GATEWAY_CORS_ORIGINS)',
      );
    };

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!CORS_PATHS.test(request.url.split('?')[0] ?? '')) return;
      // The answer depends on Origin, so caches must key on it, same-origin answers included.
      reply.header('vary', 'Origin');
      const origin = crossOriginOf(request, options.publicOrigin);
      if (request.method === 'OPTIONS') {
        if (origin != null && (await isAllowed(origin))) {
          reply
            .header('access-control-allow-origin', origin)
            .header('access-control-allow-methods', ALLOW_METHODS)
            .header('access-control-allow-headers', ALLOW_HEADERS)
            .header('access-control-max-age', MAX_AGE_SECONDS);
        } else if (origin != null) {
          refuse(request, origin);
        }
        // Safari waits for a body on a 204 without Content-Length.
        return reply.code(204).header('content-length', '0').send();
      }
      if (origin == null) return;
      if (await isAllowed(origin)) {
        reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSE_HEADERS);
      } else {
        refuse(request, origin);
      }
    });
  },
  { name: 'pag-cors', fastify: '5.x' },
);
