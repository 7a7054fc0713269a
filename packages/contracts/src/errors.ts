import { z } from 'zod';

/**
 * Every error code the gateway's own API (`/api/*`) can answer with. The server maps each code to one HTTP
 * status in a single table (`apps/server/src/plugins/error-handler.ts`); clients switch on `code`, never on text.
 */
export const gatewayErrorCodeSchema = z.enum([
  'invalid_request',
  'unauthenticated',
  'invalid_credentials',
  'csrf_failed',
  'forbidden',
  /** The caller's policy (API key or connected app) does not allow the model asked for; the message names what it does. */
  'model_not_allowed',
  /** The caller is "subscription only" and the request would need a paid API key (or has no subscription route). */
  'subscription_only',
  /** A browser origin the caller's policy and the operator's GATEWAY_CORS_ORIGINS do not allow (docs/cors.md). */
  'origin_not_allowed',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'setup_unavailable',
  'flow_expired',
  'sign_in_failed',
  'not_connected',
  'reconnect_required',
  /** The ChatGPT account is already connected to another gateway user (one account, one user). */
  'account_in_use',
  'loopback_port_busy',
  'upstream_unavailable',
  /** The upstream did not connect, start answering, or keep answering within the configured time. */
  'upstream_timeout',
  'upstream_error',
  'usage_limit_reached',
  'model_not_found',
  'no_provider',
  'invalid_upstream_key',
  /**
   * An upstream URL points where the outbound policy does not let the gateway connect (plain http, or a loopback,
   * private, link-local or metadata address); the message names the rule and how an admin can allow it.
   */
  'upstream_address_refused',
  'embeddings_unavailable',
  /**
   * `GET /api/ai/streams/:streamId`: no stream to resume under this id for this caller (unknown, expired, too long to
   * keep, or another user's: the answer never confirms that a stream exists).
   */
  'stream_not_found',
  /** The model's answer is not JSON matching the requested output schema (structured output). */
  'invalid_output',
  /** The request has images and the model takes text only; the message names a model that can see them. */
  'model_cannot_see_images',
  'service_unavailable',
  'internal_error',
]);
export type GatewayErrorCode = z.infer<typeof gatewayErrorCodeSchema>;

/** The body of every non-2xx answer under `/api/*`: `{ error: { code, message, resetsAt?, details? } }`. */
export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: gatewayErrorCodeSchema,
    /** Human-readable, says what to fix. Never contains secrets. */
    message: z.string(),
    /**
     * `usage_limit_reached` only: when the limit resets (ISO 8601), next to `Retry-After`. Such answers also carry
     * `x-should-retry: false`: waiting for the reset is the caller's decision, not an SDK's automatic retry.
     */
    resetsAt: z.string().optional(),
    /** The technical account behind `message` (an upstream's own words), for a "Details" fold; never a secret. */
    details: z.string().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
