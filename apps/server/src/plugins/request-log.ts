import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a route that wrote its own access line (the `/v1` routes), so the request is not logged twice. */
    hasAccessLine: boolean;
  }
}

/**
 * One log line per request, when it is answered, instead of Fastify's two ("incoming request" and "request
 * completed"): on the `/v1` hot path each pino line (with secret redaction) cost more than the rest of the
 * gateway's logging together (issue 7 profile). Routes that write a richer access line of their own (`/v1`) are not
 * logged again. Fastify's other lines (errors, not found) are kept.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (error != null) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    if (request.hasAccessLine) return;
    // Written on the next turn of the event loop, after the answer has gone to the socket, as the `/v1` access line
    // (log-v1-access.ts): the note-app routes waited about 40 µs for it (issue 22 profile).
    const responseTime = reply.elapsedTime;
    setImmediate(() => reply.log.info({ req: request, res: reply, responseTime }, 'request completed'));
  }
}
