import {
  apiKeyListSchema,
  apiKeySummarySchema,
  createApiKeyRequestSchema,
  createdApiKeySchema,
  updateApiKeyRequestSchema,
  whoAmISchema,
} from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiKey } from '../../domain/accounts/create-api-key.ts';
import { listApiKeys } from '../../domain/accounts/list-api-keys.ts';
import { revokeApiKey } from '../../domain/accounts/revoke-api-key.ts';
import { updateApiKey } from '../../domain/accounts/update-api-key.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/** Managing the signed-in user's gateway API keys, and `/api/me` to check a key or session. */
export async function apiKeyRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { context } = services;

  app.get(
    '/api/keys',
    { schema: { response: { 200: apiKeyListSchema } }, config: { access: 'session' } },
    async (request) => ({ keys: await listApiKeys(context, requireAuth(request).user.id) }),
  );

  app.post(
    '/api/keys',
    {
      schema: { body: createApiKeyRequestSchema, response: { 201: createdApiKeySchema } },
      config: { access: 'session' },
    },
    async (request, reply) => {
      const created = await createApiKey(context, {
        userId: requireAuth(request).user.id,
        name: request.body.name,
        policy: request.body.policy,
      });
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.delete(
    '/api/keys/:id',
    { schema: { params: z.object({ id: z.string().min(1).max(64) }) }, config: { access: 'session' } },
    async (request, reply) => {
      await revokeApiKey(context, { userId: requireAuth(request).user.id, keyId: request.params.id });
      return reply.code(204).send();
    },
  );

  app.patch(
    '/api/keys/:id',
    {
      schema: {
        params: z.object({ id: z.string().min(1).max(64) }),
        body: updateApiKeyRequestSchema,
        response: { 200: apiKeySummarySchema },
      },
      config: { access: 'session' },
    },
    async (request) =>
      updateApiKey(context, {
        userId: requireAuth(request).user.id,
        keyId: request.params.id,
        reasoningOutput: request.body.reasoningOutput,
        policy: request.body.policy,
      }),
  );

  app.get(
    '/api/me',
    { schema: { response: { 200: whoAmISchema } }, config: { access: 'session-or-api-key' } },
    async (request) => {
      const auth = requireAuth(request);
      return {
        user: { id: auth.user.id, email: auth.user.email },
        authenticatedWith: auth.method,
        apiKeyPrefix: auth.method === 'api-key' ? auth.keyPrefix : null,
      };
    },
  );
}
