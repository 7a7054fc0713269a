import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, signInNewUser } from '../test/build-test-app.ts';
import { OFFLINE_APP_ENVIRONMENT } from '../test/offline-app-environment.ts';

// Records whether the OpenTelemetry SDK was ever imported: the modules stay real, only their loading is noticed.
const loaded = vi.hoisted(() => ({ sdk: 0, exporter: 0 }));
vi.mock('@opentelemetry/sdk-trace', async (importOriginal) => {
  loaded.sdk += 1;
  return importOriginal();
});
vi.mock('@opentelemetry/exporter-trace-otlp-http', async (importOriginal) => {
  loaded.exporter += 1;
  return importOriginal();
});

type OtlpSpan = { name: string; kind: number; traceId: string; parentSpanId?: string; spanId: string };
type OtlpExport = { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };

/** A loopback OTLP/HTTP receiver: records every export request's path and JSON body and accepts it. */
async function startOtlpReceiver() {
  const received: { path: string; body: OtlpExport }[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    spans: () =>
      received.flatMap((entry) => entry.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('issue 19: OpenTelemetry traces', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('issue 19: without OTEL_EXPORTER_OTLP_ENDPOINT no OpenTelemetry SDK module is loaded', async () => {
    const test = await buildTestApp(OFFLINE_APP_ENVIRONMENT);
    try {
      const response = await test.app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(loaded).toEqual({ sdk: 0, exporter: 0 });
    } finally {
      await test.close();
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('issue 19: with it set, request and upstream spans reach a loopback OTLP/HTTP receiver', async () => {
    const upstreamFetch: typeof fetch = async () => new Response('{}', { status: 503 });
    const test = await buildTestApp(
      { ...OFFLINE_APP_ENVIRONMENT, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      { upstreamFetch },
    );
    expect(loaded.sdk).toBeGreaterThan(0);
    expect(loaded.exporter).toBeGreaterThan(0);
    await test.app.inject({ method: 'GET', url: '/readyz' });
    // A request that reaches an upstream through the gateway's one fetch: a device sign-in asks auth.openai.com
    // (here a 503), inside the request's span.
    const owner = await signInNewUser(test);
    const signIn = await test.app.inject({
      method: 'POST',
      url: '/api/connections/chatgpt/sign-in',
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      payload: { method: 'device' },
    });
    expect(signIn.statusCode).toBeGreaterThanOrEqual(400);
    // Closing flushes the queued batch to the receiver.
    await test.close();
    expect(receiver.received.every((entry) => entry.path === '/v1/traces')).toBe(true);
    const spans = receiver.spans();
    expect(spans.map((span) => span.name)).toContain('GET /readyz');
    const request = spans.find((span) => span.name === 'POST /api/connections/chatgpt/sign-in');
    const upstream = spans.find((span) => span.name === 'upstream POST');
    expect(request).toBeDefined();
    expect(upstream?.traceId).toBe(request?.traceId);
    expect(upstream?.parentSpanId).toBe(request?.spanId);
  });
});
