import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { LogLevel } from '../config.ts';

/** Query parameters whose values are secrets (OAuth codes, tokens); their values never reach the log. */
const SECRET_QUERY_PARAMETERS =
  /([?&](?:code|state|token|access_token|refresh_token|id_token|key|api_key|password)=)[^&#]*/gi;

/** Log paths that may hold secrets, censored by pino wherever they appear (one or two levels deep). */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  ...['password', 'token', 'secret', 'apiKey', 'key', 'accessToken', 'refreshToken', 'idToken', 'csrfToken'].flatMap(
    (field) => [field, `*.${field}`, `*.*.${field}`],
  ),
];

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMETERS, '$1[redacted]');
}

/** pino options for Fastify: level, redaction of secrets, and request lines without query secrets. */
export function buildLoggerOptions(options: {
  level: LogLevel;
  stream?: DestinationStream;
}): FastifyServerOptions['logger'] {
  return {
    level: options.level,
    ...(options.stream == null ? {} : { stream: options.stream }),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: { method: string; url: string; ip?: string; id?: string }) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}
