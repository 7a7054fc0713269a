import { sendJson } from '../send-json.ts';
import type { FakeOpenAiApiContext } from './fake-openai-api-context.ts';
import { toOpenAiModelObject } from './fake-openai-model.ts';
import { onOpenAiRoute } from './on-openai-route.ts';
import { rejectOpenAiRequest, sendOpenAiApiRejection } from './openai-api-error.ts';

/** `GET /v1/models` and `GET /v1/models/{id}`. */
export function registerOpenAiModelsRoutes(context: FakeOpenAiApiContext): void {
  onOpenAiRoute({
    context,
    method: 'GET',
    path: '/v1/models',
    handler: (_request, reply) => {
      sendJson({ reply, body: { object: 'list', data: context.models.map(toOpenAiModelObject) } });
    },
  });
  onOpenAiRoute({
    context,
    method: 'GET',
    path: '/v1/models/:model',
    handler: (request, reply) => {
      const id = request.params.model ?? '';
      const model = context.models.find((candidate) => candidate.id === id);
      if (model == null) {
        sendOpenAiApiRejection({
          reply,
          rejection: rejectOpenAiRequest({
            status: 404,
            message: `The model '${id}' does not exist`,
            param: 'model',
            code: 'model_not_found',
          }),
        });
        return;
      }
      sendJson({ reply, body: toOpenAiModelObject(model) });
    },
  });
}
