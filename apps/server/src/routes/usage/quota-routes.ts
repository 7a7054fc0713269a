import { quotaAnswerSchema } from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/**
 * `GET /api/usage/quota` (issue 19): the subscription's windows now and their history. The settings page polls it
 * while open; the domain reads the usage endpoint at most once a minute for it (docs/usage.md, "Live quota").
 */
export async function quotaRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/usage/quota',
    { schema: { response: { 200: quotaAnswerSchema } }, config: { access: 'session' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return services.quota.readQuota(requireAuth(request).user.id);
    },
  );
}
