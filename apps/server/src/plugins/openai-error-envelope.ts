import type { GatewayErrorCode } from '@pag/contracts';
import type { FastifyError, FastifyReply } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../domain/gateway-error.ts';
import { classifyError, isRetryRefused, STATUS_BY_CODE } from './error-handler.ts';

/**
 * The error body of the OpenAI API, which SDKs parse: `{ error: { message, type, code, param } }`; a usage limit
 * adds `resets_at` (Unix seconds, as the Codex backend states it: docs/codex-protocol.md §7.2). A schema, not only
 * a type, so the OpenAPI document states the `/v1` error answers from the same definition (plugins/openapi-document.ts).
 */
export const openAiErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().describe('OpenAI error type: invalid_request_error, authentication_error, rate_limit_error, …'),
    code: z.string(),
    param: z.string().nullable().describe('The request field to fix, as messages[0].content'),
    resets_at: z.number().optional().describe('usage_limit_reached only: when the limit resets (Unix seconds)'),
  }),
});
export type OpenAiErrorBody = z.infer<typeof openAiErrorBodySchema>;

/** OpenAI's `type` for our codes; SDKs pick their exception class from the status, tools show `type`/`code`. */
function typeOf(code: GatewayErrorCode, status: number): string {
  if (code === 'usage_limit_reached') return 'insufficient_quota';
  if (status === 429) return 'rate_limit_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** OpenAI's own codes where a client may switch on them; ours otherwise. */
function codeOf(code: GatewayErrorCode): string {
  if (code === 'unauthenticated') return 'invalid_api_key';
  if (code === 'rate_limited') return 'rate_limit_exceeded';
  return code;
}

/** `messages.0.role` (from a schema error) in the `messages[0].role` form OpenAI uses for `param`. */
function paramOf(error: unknown): string | null {
  if (error instanceof GatewayError) return error.param ?? null;
  const validation = (error as Partial<FastifyError>).validation;
  const path = validation?.[0]?.instancePath;
  const param = (path ?? '')
    .split('/')
    .filter(Boolean)
    .map((segment, index) => (/^\d+$/.test(segment) ? `[${segment}]` : index === 0 ? segment : `.${segment}`))
    .join('');
  return param === '' ? null : param;
}

/** Classifies anything thrown (one error table) and states it the way the OpenAI API would. */
export function toOpenAiError(error: unknown): {
  status: number;
  retryAfterSeconds: number | undefined;
  /** True when the client must not send the request again by itself (`x-should-retry: false`). */
  isRetryRefused: boolean;
  body: OpenAiErrorBody;
  isInternal: boolean;
} {
  const classified = classifyError(error);
  const status = STATUS_BY_CODE[classified.code];
  return {
    status,
    retryAfterSeconds: classified.retryAfterSeconds,
    isRetryRefused: isRetryRefused(classified.code),
    isInternal: classified.code === 'internal_error',
    body: {
      error: {
        // OpenAI's envelope has one text field: a developer reading it wants the technical account too.
        message: classified.details == null ? classified.message : `${classified.message} (${classified.details})`,
        type: typeOf(classified.code, status),
        code: codeOf(classified.code),
        param: paramOf(error),
        ...(classified.resetsAt == null ? {} : { resets_at: Math.floor(classified.resetsAt.getTime() / 1000) }),
      },
    },
  };
}

/** Sends an error in the OpenAI envelope, with `Retry-After` when there is a hint and `x-should-retry` when not to. */
export function sendOpenAiError(reply: FastifyReply, error: unknown): FastifyReply {
  const answer = toOpenAiError(error);
  if (answer.retryAfterSeconds != null) reply.header('retry-after', String(Math.ceil(answer.retryAfterSeconds)));
  if (answer.isRetryRefused) reply.header('x-should-retry', 'false');
  if (answer.isInternal) reply.log.error({ err: error }, 'request failed');
  else reply.log.info({ code: answer.body.error.code }, answer.body.error.message);
  return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
}
