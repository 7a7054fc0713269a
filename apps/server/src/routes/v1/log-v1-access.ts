import type { FastifyReply, FastifyRequest } from 'fastify';

export type V1AccessFields = {
  status: number;
  provider?: string | undefined;
  model?: string | undefined;
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
  overheadMs?: number | undefined;
};

/**
 * One access line per `/v1` request, for the owner to see who used what: user, key prefix (never the key) or app,
 * route, provider, model, status, tokens and durations. Streams log when they end, so the duration is the whole
 * answer's.
 */
export function logV1Access(request: FastifyRequest, reply: FastifyReply, fields: V1AccessFields): void {
  const auth = request.auth;
  request.log.info(
    {
      access: {
        userId: auth?.user.id ?? null,
        keyPrefix: auth?.method === 'api-key' ? auth.keyPrefix : null,
        appClientId: auth?.method === 'app' ? auth.clientId : null,
        route: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
        ...fields,
        durationMs: Math.round(reply.elapsedTime),
        ...(fields.overheadMs == null ? {} : { overheadMs: Math.round(fields.overheadMs * 10) / 10 }),
      },
    },
    'v1 request',
  );
}

/** `x-gateway-overhead-ms`: time in the gateway itself, i.e. elapsed time minus time spent waiting on upstreams. */
export function setOverheadHeader(reply: FastifyReply, upstreamMs: number): number {
  const overheadMs = Math.max(0, reply.elapsedTime - upstreamMs);
  reply.header('x-gateway-overhead-ms', overheadMs.toFixed(1));
  return overheadMs;
}
