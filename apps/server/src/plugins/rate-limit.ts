import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { GatewayError } from '../domain/gateway-error.ts';

/**
 * @fastify/rate-limit with no global limit: routes opt in with `config.rateLimit` next to their definition
 * (sign-in, setup, and later the OAuth endpoints). The store is the database (database-rate-limit-store.ts). Exceeding a limit throws a `rate_limited` GatewayError, so the
 * answer goes through the one error table with a `Retry-After` header.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: { store: FastifyRateLimitStoreCtor }) => {
    await app.register(rateLimit, {
      global: false,
      store: options.store,
      errorResponseBuilder: (_request, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new GatewayError('rate_limited', `Too many attempts: try again in ${seconds} s.`, {
          retryAfterSeconds: seconds,
        });
      },
    });
  },
  { name: 'pag-rate-limit', fastify: '5.x' },
);
