import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { GoogleRequestRejectedError } from './google-api-error.ts';

/**
 * The model a call names, if it serves the method. Unknown, retired-as-404 and unsupported models all get the real
 * NOT_FOUND wording; a model retired as 503 is UNAVAILABLE (docs/google-protocol.md §5.3).
 */
export function resolveGeminiModel(options: {
  models: readonly FakeGeminiModel[];
  id: string;
  /** As requested, for the message (`streamGenerateContent`, `countTokens`, …). */
  method: string;
  /** The entry in `supportedGenerationMethods` that covers it. */
  requiredMethod: string;
}): FakeGeminiModel {
  const model = options.models.find((candidate) => candidate.id === options.id);
  if (model?.retiredStatus === 503) {
    throw new GoogleRequestRejectedError({ code: 503, message: 'The service is currently unavailable.' });
  }
  if (
    model == null ||
    model.retiredStatus === 404 ||
    !model.supportedGenerationMethods.includes(options.requiredMethod)
  ) {
    throw new GoogleRequestRejectedError({
      code: 404,
      message:
        `models/${options.id} is not found for API version v1beta, or is not supported for ${options.method}. ` +
        'Call ListModels to see the list of available models and their supported methods.',
    });
  }
  return model;
}
