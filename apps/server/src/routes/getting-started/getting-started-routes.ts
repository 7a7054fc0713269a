import { gettingStartedSchema } from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readGettingStarted } from '../../domain/getting-started/read-getting-started.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/** The first-run checklist the settings UI opens on (issue 17): each step from stored state. */
export async function gettingStartedRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/getting-started',
    { schema: { response: { 200: gettingStartedSchema } }, config: { access: 'session' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return readGettingStarted(services.context, requireAuth(request).user.id);
    },
  );
}
