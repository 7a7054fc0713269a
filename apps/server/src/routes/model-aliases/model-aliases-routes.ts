import { modelAliasListSchema } from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listModelAliases } from '../../domain/model-aliases/list-model-aliases.ts';
import { replaceModelAliases } from '../../domain/model-aliases/replace-model-aliases.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/**
 * The user's model aliases (docs/anthropic-protocol.md §9): names clients hard-code mapped to gateway models, edited
 * on the Models & features page. Session only (writes need the CSRF token).
 */
export async function modelAliasesRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/model-aliases',
    { schema: { response: { 200: modelAliasListSchema } }, config: { access: 'session' } },
    async (request) => ({ aliases: [...(await listModelAliases(services.context, requireAuth(request).user.id))] }),
  );

  app.put(
    '/api/model-aliases',
    {
      schema: { body: modelAliasListSchema, response: { 200: modelAliasListSchema } },
      config: { access: 'session' },
    },
    async (request) => ({
      aliases: await replaceModelAliases(services.context, requireAuth(request).user.id, request.body.aliases),
    }),
  );
}
