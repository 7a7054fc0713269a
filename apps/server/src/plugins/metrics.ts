import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { GatewayMetrics } from '../domain/metrics/gateway-metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Prometheus metrics (domain/metrics/gateway-metrics.ts); absent in apps built without this plugin. */
    metrics?: GatewayMetrics | undefined;
  }
}

/** The route label of a request that matched no route (SPA pages, 404s): one value, never the URL. */
const UNMATCHED_ROUTE = 'unmatched';

/** The route template a request matched (`/api/ai/streams/:streamId`), never its URL: bounded label values. */
export function routeLabelOf(request: FastifyRequest): string {
  return request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
}

/**
 * The provider answering a request: every AI route names it in `x-gateway-provider` the moment it knows it, so the
 * metrics read it there instead of each route reporting it twice. `none` for every other request.
 */
export function providerLabelOf(reply: FastifyReply): string {
  const provider = reply.getHeader('x-gateway-provider');
  return typeof provider === 'string' ? provider : 'none';
}

/**
 * Counts every answered request and its duration (docs/metrics.md). `onResponse` runs when the answer is fully
 * written, so a stream's duration is the whole stream's; the cost per request is two label lookups.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: { metrics: GatewayMetrics }) => {
    const { metrics } = options;
    app.decorate('metrics', metrics);
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      metrics.observeRequest({
        route: routeLabelOf(request),
        method: request.method,
        status: reply.statusCode,
        provider: providerLabelOf(reply),
        seconds: reply.elapsedTime / 1000,
      });
      done();
    });
  },
  { name: 'pag-metrics', fastify: '5.x' },
);
