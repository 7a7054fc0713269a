import {
  apiCredentialListSchema,
  apiCredentialSchema,
  createFeatureRequestSchema,
  featureListSchema,
  featureSchema,
  featureSlugSchema,
  saveApiCredentialRequestSchema,
  updateFeatureRequestSchema,
  updateUserSettingsRequestSchema,
  userSettingsSchema,
} from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deleteApiCredential, listApiCredentialRows } from '../../domain/credentials/list-api-credentials.ts';
import { saveApiCredential } from '../../domain/credentials/save-api-credential.ts';
import { toApiCredentialDto } from '../../domain/credentials/to-api-credential-dto.ts';
import { createFeature } from '../../domain/features/create-feature.ts';
import { deleteFeature } from '../../domain/features/delete-feature.ts';
import { listFeatures } from '../../domain/features/list-features.ts';
import { updateFeature } from '../../domain/features/update-feature.ts';
import { getUserSettings } from '../../domain/settings/get-user-settings.ts';
import { updateUserSettings } from '../../domain/settings/update-user-settings.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

const providerParams = z.object({
  provider: z.enum(['openai', 'gemini', 'anthropic'], { message: 'must be openai, gemini or anthropic' }),
});
const featureParams = z.object({ name: featureSlugSchema });
/** Saving a key makes an upstream call; bound it. */
const SAVE_KEY_RATE_LIMIT = { max: 10, timeWindow: 60_000 };

/** Per-user routing settings, features, and API keys for upstreams (settings UI; session only). */
export async function settingsRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const context = services.connections;

  app.get(
    '/api/settings',
    { schema: { response: { 200: userSettingsSchema } }, config: { access: 'session' } },
    async (request) => getUserSettings(context, requireAuth(request).user.id),
  );

  app.patch(
    '/api/settings',
    {
      schema: { body: updateUserSettingsRequestSchema, response: { 200: userSettingsSchema } },
      config: { access: 'session' },
    },
    async (request) => {
      const changes = Object.fromEntries(Object.entries(request.body).filter(([, value]) => value !== undefined));
      const settings = await updateUserSettings(context, { userId: requireAuth(request).user.id, changes });
      services.gateway.forgetUser(requireAuth(request).user.id);
      return settings;
    },
  );

  app.get(
    '/api/ai/features',
    { schema: { response: { 200: featureListSchema } }, config: { access: 'session-or-api-key' } },
    async (request) => ({ features: [...(await listFeatures(context, requireAuth(request).user.id))] }),
  );

  // Features are settings: read with a key too (a note app lists what it can offer), changed only in a session.
  app.post(
    '/api/ai/features',
    {
      schema: { body: createFeatureRequestSchema, response: { 201: featureSchema } },
      config: { access: 'session' },
    },
    async (request, reply) => {
      reply.status(201);
      return createFeature(context, { userId: requireAuth(request).user.id, feature: request.body });
    },
  );

  app.put(
    '/api/ai/features/:name',
    {
      schema: {
        params: featureParams,
        body: updateFeatureRequestSchema,
        response: { 200: featureSchema },
      },
      config: { access: 'session' },
    },
    async (request) =>
      updateFeature(context, { userId: requireAuth(request).user.id, name: request.params.name, ...request.body }),
  );

  app.delete(
    '/api/ai/features/:name',
    { schema: { params: featureParams }, config: { access: 'session' } },
    async (request, reply) => {
      await deleteFeature(context, { userId: requireAuth(request).user.id, name: request.params.name });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/credentials',
    { schema: { response: { 200: apiCredentialListSchema } }, config: { access: 'session' } },
    async (request) => ({
      credentials: (await listApiCredentialRows(context, requireAuth(request).user.id)).map(toApiCredentialDto),
    }),
  );

  app.put(
    '/api/credentials/:provider',
    {
      schema: { params: providerParams, body: saveApiCredentialRequestSchema, response: { 200: apiCredentialSchema } },
      config: { access: 'session', rateLimit: SAVE_KEY_RATE_LIMIT },
    },
    async (request) => {
      const userId = requireAuth(request).user.id;
      const saved = await saveApiCredential(context, {
        userId,
        provider: request.params.provider,
        apiKey: request.body.apiKey,
        baseUrl: request.body.baseUrl ?? null,
        validate: (credential) => services.gateway.providers.validateApiKey(credential),
      });
      services.gateway.forgetUser(userId);
      return saved;
    },
  );

  app.delete(
    '/api/credentials/:provider',
    { schema: { params: providerParams }, config: { access: 'session' } },
    async (request, reply) => {
      const userId = requireAuth(request).user.id;
      await deleteApiCredential(context, { userId, provider: request.params.provider });
      services.gateway.forgetUser(userId);
      return reply.code(204).send();
    },
  );
}
