import { livenessSchema, readinessSchema } from '@pag/contracts';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteServices } from './route-services.ts';

/** Liveness (the process answers) and readiness (the database answers), for Docker and orchestrators. */
export async function healthRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/healthz',
    { schema: { response: { 200: livenessSchema } }, config: { access: 'public' }, logLevel: 'warn' },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { schema: { response: { 200: readinessSchema, 503: readinessSchema } }, config: { access: 'public' } },
    async (request, reply) => {
      try {
        await services.context.db.get(sql`select 1`);
        return { status: 'ready' as const, checks: { database: 'ok' as const } };
      } catch (error) {
        request.log.error({ err: error }, 'readiness check: database failed');
        return reply.code(503).send({ status: 'unavailable', checks: { database: 'failed' } });
      }
    },
  );
}
