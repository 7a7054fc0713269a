import type { ErrorEnvelope, GatewayErrorCode } from '@pag/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { describeUpstreamError } from '../domain/describe-upstream-error.ts';

/** THE table: every error code the API answers with, and its one HTTP status. Handlers never set error statuses. */
export const STATUS_BY_CODE: Readonly<Record<GatewayErrorCode, number>> = {
  invalid_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf_failed: 403,
  forbidden: 403,
  /** The caller's policy (key or connected app) refuses the model, the provider or the browser origin. */
  model_not_allowed: 403,
  subscription_only: 403,
  origin_not_allowed: 403,
  not_found: 404,
  conflict: 409,
  setup_unavailable: 409,
  flow_expired: 410,
  sign_in_failed: 400,
  not_connected: 409,
  reconnect_required: 409,
  account_in_use: 409,
  loopback_port_busy: 409,
  upstream_unavailable: 502,
  upstream_timeout: 504,
  upstream_error: 502,
  usage_limit_reached: 429,
  model_not_found: 404,
  no_provider: 409,
  invalid_upstream_key: 400,
  /** The outbound policy refuses the upstream's scheme or address (domain/outbound); the message names the rule. */
  upstream_address_refused: 400,
  /**
   * Nothing connected can make embeddings (the subscription cannot): the message names what would. A 409 like
   * `no_provider`, the user's setup and not the server lacks it (was 501; a 5xx for a request the user can fix was
   * found by the route fuzzing of issue 16).
   */
  embeddings_unavailable: 409,
  /** Never 403 for another user's stream: a 404 like an unknown one, so ids cannot be probed (docs/note-app-api.md). */
  stream_not_found: 404,
  /**
   * The model answered, but not JSON matching the requested output schema: the upstream failed at its task, as a
   * 502 does, and the message says what was wrong so the caller can retry or loosen the schema.
   */
  invalid_output: 502,
  /** Images sent to a model that takes text only; the message names one that can see them. */
  model_cannot_see_images: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
};

/** Fastify's own client errors (body parsing, routing), reworded to say what to fix. */
const FASTIFY_CLIENT_ERRORS: Readonly<Record<string, { code: GatewayErrorCode; message: string }>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'Unsupported Content-Type: send the body as application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_request',
    message: 'The body is empty: send a JSON object, or drop the Content-Type header.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid_request',
    message: 'Content-Length does not match the body that was sent.',
  },
};

const CODE_BY_STATUS: Readonly<Record<number, GatewayErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

type ClassifiedError = {
  code: GatewayErrorCode;
  message: string;
  retryAfterSeconds?: number | undefined;
  /** When a usage limit resets. */
  resetsAt?: Date | undefined;
  /** The technical account behind a plain message. */
  details?: string | undefined;
};

/**
 * Answers a client should not send again by itself: a usage limit lasts until its reset, hours or days away, and an
 * SDK that honours `Retry-After` (openai-node waits exactly that long, and again) would hang for all of it. The
 * OpenAI and Anthropic SDKs obey `x-should-retry: false` before their own rules (docs/architecture.md §3.4).
 */
export function isRetryRefused(code: GatewayErrorCode): boolean {
  return code === 'usage_limit_reached';
}

/** Turns anything thrown into a code and a client-safe message. Unknown errors become a generic 500. */
export function classifyError(error: unknown): ClassifiedError {
  const upstream = describeUpstreamError(error);
  if (upstream != null) return upstream;
  const fastifyError = error as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    const where = fastifyError.validationContext ?? 'request';
    const details = fastifyError.validation.map((issue) => {
      const path = issue.instancePath.split('/').filter(Boolean).join('.');
      return `${path === '' ? where : `${where}.${path}`}: ${issue.message ?? 'is invalid'}`;
    });
    return { code: 'invalid_request', message: `Invalid request: ${details.join('; ')}.` };
  }
  const known = fastifyError.code == null ? undefined : FASTIFY_CLIENT_ERRORS[fastifyError.code];
  if (known != null) return known;
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return { code: 'invalid_request', message: `The body is not valid JSON: ${error.message}.` };
  }
  const status = fastifyError.statusCode;
  if (status != null && status >= 400 && status < 500) {
    return { code: CODE_BY_STATUS[status] ?? 'invalid_request', message: fastifyError.message ?? 'Bad request.' };
  }
  return { code: 'internal_error', message: 'Internal error: the server log has the details.' };
}

/** Writes an error answer in the `/api` envelope; the status comes from {@link STATUS_BY_CODE}. */
export function sendError(reply: FastifyReply, error: ClassifiedError): FastifyReply {
  if (error.retryAfterSeconds != null) reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
  if (isRetryRefused(error.code)) reply.header('x-should-retry', 'false');
  const body: ErrorEnvelope = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.resetsAt == null ? {} : { resetsAt: error.resetsAt.toISOString() }),
      ...(error.details == null ? {} : { details: error.details }),
    },
  };
  return reply.code(STATUS_BY_CODE[error.code]).type('application/json; charset=utf-8').send(body);
}

function handleError(this: FastifyInstance, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const classified = classifyError(error);
  if (classified.code === 'internal_error') {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ code: classified.code }, classified.message);
  }
  return sendError(reply, classified);
}

/** Installs the single error handler: every client mistake becomes a 4xx `{ error: { code, message } }`. */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(handleError);
  },
  { name: 'pag-error-handler', fastify: '5.x' },
);
