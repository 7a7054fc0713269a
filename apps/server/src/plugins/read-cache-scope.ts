import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ReadCache, ReadScope } from '../domain/read-cache/read-cache.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's view of the request cache, on the routes that use it (docs/request-cache.md). */
    readScope: ReadScope | null;
  }
}

/**
 * Opens a request-cache scope (domain/read-cache) for the requests of programs: the routes a gateway API key or a
 * connected app may call (the AI APIs, `/v1`, the model and feature lists, whoami, usage) and CORS preflights. Those
 * only read what the cache holds, so a scope's "as of its first read" view is the request's own. The settings UI's
 * session routes and the OAuth server get none: they write what they then read back, and read it from the database.
 *
 * Registered before the CORS plugin, so the origin checks, the access control, the handler and the response hooks all
 * run inside the scope (a callback-style hook: the rest of the request runs from `done`).
 */
export const readCacheScopePlugin = fp(
  async (app: FastifyInstance, options: { cache: ReadCache }) => {
    app.decorateRequest('readScope', null);
    app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done) => {
      const access = request.routeOptions.config?.access;
      if (access !== 'api-key' && access !== 'session-or-api-key' && request.method !== 'OPTIONS') {
        done();
        return;
      }
      const scope = options.cache.openScope();
      request.readScope = scope;
      scope.run(done);
    });
    app.addHook('onResponse', (request: FastifyRequest, _reply: FastifyReply, done) => {
      request.readScope?.close();
      done();
    });
  },
  { name: 'pag-read-cache-scope', fastify: '5.x' },
);
