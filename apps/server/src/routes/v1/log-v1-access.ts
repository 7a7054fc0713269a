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
 *
 * The fields are read now; the line is written on the next turn of the event loop (`setImmediate`), after Node has
 * written the answer to the socket (its uncork runs on `nextTick`): serialising and redacting a pino line cost
 * about 0.05 ms, which the client waited for when it was written before the answer (issue 22 profile). A process
 * that dies in between loses that one line, never an answer.
 */
export function logV1Access(request: FastifyRequest, reply: FastifyReply, fields: V1AccessFields): void {
  const auth = request.auth;
  const access = {
    userId: auth?.user.id ?? null,
    keyPrefix: auth?.method === 'api-key' ? auth.keyPrefix : null,
    appClientId: auth?.method === 'app' ? auth.clientId : null,
    route: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
    ...fields,
    durationMs: Math.round(reply.elapsedTime),
    ...(fields.overheadMs == null ? {} : { overheadMs: Math.round(fields.overheadMs * 100) / 100 }),
  };
  setImmediate(() => request.log.info({ access }, 'v1 request'));
}

/** `x-gateway-overhead-ms`: time in the gateway itself, i.e. elapsed time minus time spent waiting on upstreams. */
export function setOverheadHeader(reply: FastifyReply, upstreamMs: number): number {
  const overheadMs = Math.max(0, reply.elapsedTime - upstreamMs);
  // Two decimals: the gateway's own time is a fraction of a millisecond (issue 22 target 9 is 0.15 ms).
  reply.header('x-gateway-overhead-ms', overheadMs.toFixed(2));
  return overheadMs;
}
