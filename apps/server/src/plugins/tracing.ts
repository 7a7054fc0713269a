import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { OtlpTracing, RequestSpan } from './otlp-tracing.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's span, when tracing is on (plugins/otlp-tracing.ts). */
    traceSpan: RequestSpan | null;
  }
}

/**
 * Loads the OpenTelemetry SDK when an OTLP endpoint is configured, else nothing: the import is dynamic, so with
 * tracing off (the default) no SDK module is loaded and nothing runs per request (docs/metrics.md, "Tracing").
 */
export async function loadTracing(options: { endpoint: string | null }): Promise<OtlpTracing | null> {
  if (options.endpoint == null) return null;
  const { startOtlpTracing } = await import('./otlp-tracing.ts');
  return startOtlpTracing({ endpoint: options.endpoint, serviceName: 'personal-ai-gateway' });
}

/** One server span per request: started when it arrives, named by its route template and status when answered. */
export const tracingPlugin = fp(
  async (app: FastifyInstance, options: { tracing: OtlpTracing }) => {
    const { tracing } = options;
    app.decorateRequest('traceSpan', null);
    app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done) => {
      const span = tracing.startRequestSpan(request.method);
      request.traceSpan = span;
      // Everything after this hook (the handler, its upstream calls) runs with this span as the parent.
      span.run(done);
    });
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      request.traceSpan?.end({
        route: request.is404 ? null : (request.routeOptions.url ?? null),
        status: reply.statusCode,
      });
      done();
    });
    // After the last request: the batch of spans still queued is sent before the process ends.
    app.addHook('onClose', async () => {
      await tracing.shutdown();
    });
  },
  { name: 'pag-tracing', fastify: '5.x' },
);
