import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../domain/gateway-error.ts';
import type { RequestAuth } from '../../plugins/access-control.ts';
import { callerPolicyOf } from '../caller-policy-of.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import { setOverheadHeader } from './log-v1-access.ts';
import type { V1App } from './v1-app.ts';

/** `GET /v1/models` and `GET /v1/models/{id}`: the router's catalogue for this key's user, ids usable as `model`. */
export function registerModelsRoutes(app: V1App, services: RouteServices): void {
  app.get('/models', { config: { access: 'api-key' } }, async (request, reply) => {
    const models = await listModelsTimed(services, requireAuth(request), reply);
    return { object: 'list', data: models.map(toOpenAiModel) };
  });

  app.get(
    '/models/*',
    { schema: { params: z.object({ '*': z.string().min(1) }) }, config: { access: 'api-key' } },
    async (request, reply) => {
      const id = request.params['*'];
      const models = await listModelsTimed(services, requireAuth(request), reply);
      const model = models.find((candidate) => candidate.id === id || candidate.upstreamId === id);
      if (model == null) {
        throw new GatewayError(
          'model_not_found',
          `The model "${id}" does not exist for this key: see GET /v1/models.`,
          {
            param: 'model',
          },
        );
      }
      return toOpenAiModel(model);
    },
  );
}

/**
 * The user's catalogue as far as the key's policy allows (a model it may not use is not listed), with `x-gateway-overhead-ms` set: the catalogue is the upstreams' model lists (cached), so
 * the whole call counts as upstream time and the overhead is the gateway's time around it.
 */
async function listModelsTimed(services: RouteServices, auth: RequestAuth, reply: FastifyReply) {
  const startedAt = performance.now();
  const models = await services.gateway.listModels(auth.user.id, callerPolicyOf(auth));
  setOverheadHeader(reply, performance.now() - startedAt);
  return models;
}

/** A catalogue entry as OpenAI lists models; the id is what `model` takes. */
function toOpenAiModel(model: { id: string; provider: string }) {
  return { id: model.id, object: 'model' as const, created: 0, owned_by: model.provider };
}
