import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers on every answer. The settings UI is a same-origin SPA, so the CSP allows only our own files;
 * `frame-ancestors 'none'` forbids framing (clickjacking on connect/revoke buttons). HSTS and upgrading insecure
 * requests only make sense when the gateway is really served over https.
 */
function helmetOptions(isHttps: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(isHttps ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: isHttps ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  };
}

/**
 * The headers helmet sets with these options, computed once. They depend on nothing in the request (no CSP nonces),
 * so running helmet's middleware chain per request — what @fastify/helmet does — only repeated the same work; on
 * the `/v1` hot path that was a tenth of the gateway's own time (issue 7 profile). helmet still writes the values.
 */
function computeHeaders(options: HelmetOptions): [string, string][] {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let isDone = false;
  helmet(options)({} as never, response as unknown as ServerResponse, (error?: unknown) => {
    if (error != null) throw error;
    isDone = true;
  });
  // helmet's middleware is synchronous; if a future version were not, the headers would be incomplete.
  if (!isDone) throw new Error('helmet did not finish synchronously');
  return [...headers];
}

export const securityHeadersPlugin = fp(
  async (app: FastifyInstance, options: { isHttps: boolean }) => {
    const headers = computeHeaders(helmetOptions(options.isHttps));
    // On the raw response, as @fastify/helmet did: they survive replies handed over to another framework (the
    // OAuth server, which may set its own CSP) and hijacked streams.
    app.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.raw.setHeader(name, value);
      done();
    });
  },
  { name: 'pag-security-headers', fastify: '5.x' },
);
