import type { FastifyInstance } from 'fastify';
import { authorizeMetricsScrape } from '../domain/metrics/authorize-metrics-scrape.ts';
import type { RouteServices } from './route-services.ts';

/**
 * `GET /metrics`: the Prometheus text exposition (docs/metrics.md). Public as far as sessions and keys go — a
 * scraper has neither — and guarded by its own rule instead: the metrics token, or a caller on this host.
 */
export async function metricsRoutes(app: FastifyInstance, services: RouteServices) {
  app.get('/metrics', { config: { access: 'public' }, logLevel: 'warn' }, async (request, reply) => {
    authorizeMetricsScrape({
      metricsToken: services.metricsToken,
      authorization: request.headers.authorization,
      remoteAddress: request.socket.remoteAddress ?? '',
      isForwarded: request.headers['x-forwarded-for'] != null || request.headers.forwarded != null,
    });
    const text = await services.metrics.scrape();
    return reply.header('cache-control', 'no-store').type(services.metrics.contentType).send(text);
  });
}
