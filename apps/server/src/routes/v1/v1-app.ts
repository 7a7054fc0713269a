import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/** The `/v1` scope, typed for zod schemas; its error and not-found handlers speak OpenAI's envelope. */
export type V1App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Conversations with images can be large; 32 MiB bounds a request without refusing real ones. */
export const V1_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
