import type { GatewayErrorCode } from '@pag/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../domain/gateway-error.ts';
import { classifyError, isRetryRefused, STATUS_BY_CODE } from './error-handler.ts';

/**
 * The error body of the Anthropic API, which its SDKs and Claude Code parse:
 * `{ "type": "error", "error": { "type", "message" } }` (docs/anthropic-protocol.md §6). A schema, so the OpenAPI
 * document states the `/v1/messages` error answers from the same definition.
 */
export const anthropicErrorBodySchema = z.object({
  type: z.literal('error'),
  error: z.object({
    type: z.string().describe('invalid_request_error, authentication_error, rate_limit_error, overloaded_error, …'),
    message: z.string(),
  }),
});
export type AnthropicErrorBody = z.infer<typeof anthropicErrorBodySchema>;

/**
 * Codes that mean "the upstream is busy or away, try again soon": Anthropic says that with 529 `overloaded_error`,
 * which its SDKs retry with backoff (§6).
 */
const OVERLOADED: ReadonlySet<GatewayErrorCode> = new Set([
  'upstream_unavailable',
  'upstream_timeout',
  'service_unavailable',
]);

/**
 * Anthropic's status and `type` for one of our codes. The status is the one table's (`STATUS_BY_CODE`), except
 * where Anthropic has no such status: a busy or unreachable upstream is 529, any other server failure 500
 * (`api_error`). 4xx statuses stay ours; Anthropic uses `invalid_request_error` for the 4xx it has no type for.
 */
function anthropicStatusOf(code: GatewayErrorCode): { status: number; type: string } {
  const status = STATUS_BY_CODE[code];
  if (OVERLOADED.has(code)) return { status: 529, type: 'overloaded_error' };
  if (status >= 500) return { status: 500, type: 'api_error' };
  if (status === 401) return { status, type: 'authentication_error' };
  if (status === 403) return { status, type: 'permission_error' };
  if (status === 404) return { status, type: 'not_found_error' };
  if (status === 413) return { status, type: 'request_too_large' };
  if (status === 429) return { status, type: 'rate_limit_error' };
  return { status, type: 'invalid_request_error' };
}

/** Classifies anything thrown (one error table) and states it the way the Anthropic API would. */
export function toAnthropicError(error: unknown): {
  status: number;
  retryAfterSeconds: number | undefined;
  /** True when the client must not send the request again by itself (`x-should-retry: false`, docs/architecture.md §3.4). */
  isRetryRefused: boolean;
  isInternal: boolean;
  body: AnthropicErrorBody;
} {
  const classified = classifyError(error);
  const { status, type } = anthropicStatusOf(classified.code);
  const param = error instanceof GatewayError ? error.param : undefined;
  // One text field: the field to fix and the technical account go into it.
  let message = classified.details == null ? classified.message : `${classified.message} (${classified.details})`;
  if (param != null && !message.includes(param)) message = `${param}: ${message}`;
  return {
    status,
    retryAfterSeconds: classified.retryAfterSeconds,
    isRetryRefused: isRetryRefused(classified.code),
    isInternal: classified.code === 'internal_error',
    body: { type: 'error', error: { type, message } },
  };
}

/** Sends an error in Anthropic's envelope, with `retry-after` when there is a hint and `x-should-retry` when not to. */
export function sendAnthropicError(reply: FastifyReply, error: unknown): FastifyReply {
  const answer = toAnthropicError(error);
  if (answer.retryAfterSeconds != null) reply.header('retry-after', String(Math.ceil(answer.retryAfterSeconds)));
  if (answer.isRetryRefused) reply.header('x-should-retry', 'false');
  if (answer.isInternal) reply.log.error({ err: error }, 'request failed');
  else reply.log.info({ type: answer.body.error.type }, answer.body.error.message);
  return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
}
