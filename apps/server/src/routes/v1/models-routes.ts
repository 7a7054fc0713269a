import { z } from 'zod';
import { GatewayError } from '../../domain/gateway-error.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import type { V1App } from './v1-app.ts';

/** `GET /v1/models` and `GET /v1/models/{id}`: the router's catalogue for this key's user, ids usable as `model`. */
export function registerModelsRoutes(app: V1App, services: RouteServices): void {
  app.get('/models', { config: { access: 'api-key' } }, async (request) => {
    const models = await services.gateway.listModels(requireAuth(request).user.id);
    return { object: 'list', data: models.map(toOpenAiModel) };
  });

  app.get(
    '/models/*',
    { schema: { params: z.object({ '*': z.string().min(1) }) }, config: { access: 'api-key' } },
    async (request) => {
      const id = request.params['*'];
      const models = await services.gateway.listModels(requireAuth(request).user.id);
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

/** A catalogue entry as OpenAI lists models; the id is what `model` takes. */
function toOpenAiModel(model: { id: string; provider: string }) {
  return { id: model.id, object: 'model' as const, created: 0, owned_by: model.provider };
}
