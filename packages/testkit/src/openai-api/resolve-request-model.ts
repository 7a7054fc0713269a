import type { FakeOpenAiModel } from './fake-openai-model.ts';
import { OpenAiRequestRejectedError } from './openai-api-error.ts';

/** Finds the requested model; an unknown one is a 404 `model_not_found`, one of the wrong kind a 400 or 404. */
export function resolveRequestModel(options: {
  models: readonly FakeOpenAiModel[];
  id: string;
  endpoint: 'chat' | 'responses' | 'embeddings';
}): FakeOpenAiModel {
  const model = options.models.find((candidate) => candidate.id === options.id);
  if (model == null) {
    throw new OpenAiRequestRejectedError({
      status: 404,
      message: `The model \`${options.id}\` does not exist or you do not have access to it.`,
      code: 'model_not_found',
    });
  }
  if (options.endpoint === 'chat' && model.kind !== 'chat') {
    throw new OpenAiRequestRejectedError({
      status: 404,
      message:
        'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?',
      param: 'model',
    });
  }
  if (options.endpoint === 'responses' && model.kind !== 'chat') {
    throw new OpenAiRequestRejectedError({
      message: `The requested model '${model.id}' is not supported with the Responses API.`,
      param: 'model',
      code: 'model_not_found',
    });
  }
  if (options.endpoint === 'embeddings' && model.kind !== 'embedding') {
    throw new OpenAiRequestRejectedError({
      message: `The model \`${model.id}\` does not support embeddings.`,
      param: 'model',
    });
  }
  return model;
}
