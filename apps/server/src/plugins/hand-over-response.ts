import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * Hands the raw response to code that writes it itself (oidc-provider's Koa app, the MCP SDK's transport). Headers
 * Fastify holds but has not written yet (the request id) are copied first, or a hijacked reply would lose them.
 */
export function handOverResponse(reply: FastifyReply): ServerResponse {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value != null) reply.raw.setHeader(name, value);
  }
  reply.hijack();
  return reply.raw;
}
