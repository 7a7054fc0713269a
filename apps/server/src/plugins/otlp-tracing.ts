import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** What the gateway does with tracing on: spans for requests and upstream calls, flushed on shutdown. */
export type OtlpTracing = {
  /** Starts the span of one incoming request; `run` runs the rest of the request inside it. */
  startRequestSpan(method: string): RequestSpan;
  /** The upstream fetch, with one client span per call, a child of the request that made it. */
  traceFetch(fetchFunction: typeof fetch): typeof fetch;
  shutdown(): Promise<void>;
};

/** One request's span: the rest of the request runs inside it; it ends named by the route template it matched. */
export type RequestSpan = {
  run(callback: () => void): void;
  end(answer: { route: string | null; status: number }): void;
};

/**
 * The OpenTelemetry SDK, loaded only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (plugins/tracing.ts imports this file
 * lazily: with tracing off not one OpenTelemetry SDK module is loaded). Spans go over OTLP/HTTP to
 * `{endpoint}/v1/traces`. Nothing is registered globally (no global tracer provider or context manager): two apps
 * in one process (tests) stay apart, and no other library's spans appear uninvited. The request span is carried to
 * the upstream call by an AsyncLocalStorage of our own. See docs/metrics.md, "Tracing".
 */
export function startOtlpTracing(options: { endpoint: string; serviceName: string }): OtlpTracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` }) }),
    ],
  });
  const tracer = provider.getTracer('personal-ai-gateway');
  const activeRequest = new AsyncLocalStorage<Span>();
  return {
    startRequestSpan(method) {
      const span = tracer.startSpan(method, {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method },
      });
      return {
        run: (callback) => activeRequest.run(span, callback),
        end: ({ route, status }) => {
          if (route != null) {
            span.updateName(`${method} ${route}`);
            span.setAttribute('http.route', route);
          }
          span.setAttribute('http.response.status_code', status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
    traceFetch(fetchFunction) {
      return async (input, init) => {
        const request = new Request(input, init);
        const url = new URL(request.url);
        const parent = activeRequest.getStore();
        const span = tracer.startSpan(
          `upstream ${request.method}`,
          {
            kind: SpanKind.CLIENT,
            // Origin and path only: a query string may carry a key (the Gemini API accepts `?key=`).
            attributes: {
              'http.request.method': request.method,
              'server.address': url.hostname,
              'url.full': `${url.origin}${url.pathname}`,
            },
          },
          parent == null ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent),
        );
        try {
          // Ends when the answer's headers are in: the time the upstream took to start answering.
          const response = await fetchFunction(input, init);
          span.setAttribute('http.response.status_code', response.status);
          if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          return response;
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'failed' });
          throw error;
        } finally {
          span.end();
        }
      };
    },
    shutdown: () => provider.shutdown(),
  };
}
