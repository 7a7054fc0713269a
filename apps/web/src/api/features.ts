import { type Feature, type FeatureName, featureListSchema, featureSchema } from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/ai/features`: the note-app features with this user's prompts and default models. */
export async function listFeatures(signal?: AbortSignal): Promise<Feature[]> {
  return (await requestApi({ path: '/api/ai/features', schema: featureListSchema, signal })).features;
}

/** `PUT /api/ai/features/:name`: a null prompt or model restores the built-in one. */
export function updateFeature(options: {
  name: FeatureName;
  prompt: string | null;
  model: string | null;
  csrfToken: string | null;
}): Promise<Feature> {
  return requestApi({
    method: 'PUT',
    path: `/api/ai/features/${options.name}`,
    body: { prompt: options.prompt, model: options.model },
    csrfToken: options.csrfToken,
    schema: featureSchema,
  });
}
