import {
  type CreateFeatureRequest,
  type Feature,
  featureListSchema,
  featureSchema,
  type UpdateFeatureRequest,
} from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/ai/features`: the built-in features (with this user's prompts and models) and the user's own. */
export async function listFeatures(signal?: AbortSignal): Promise<Feature[]> {
  return (await requestApi({ path: '/api/ai/features', schema: featureListSchema, signal })).features;
}

/** `POST /api/ai/features`: a feature of the user's own. */
export function createFeature(options: { feature: CreateFeatureRequest; csrfToken: string | null }): Promise<Feature> {
  return requestApi({
    method: 'POST',
    path: '/api/ai/features',
    body: options.feature,
    csrfToken: options.csrfToken,
    schema: featureSchema,
  });
}

/**
 * `PUT /api/ai/features/:name`: a built-in feature takes prompt and model (null restores the built-in one); the
 * user's own takes reasoning effort and schema too.
 */
export function updateFeature(options: {
  name: string;
  changes: UpdateFeatureRequest;
  csrfToken: string | null;
}): Promise<Feature> {
  return requestApi({
    method: 'PUT',
    path: `/api/ai/features/${encodeURIComponent(options.name)}`,
    body: options.changes,
    csrfToken: options.csrfToken,
    schema: featureSchema,
  });
}

/** `DELETE /api/ai/features/:name`: one of the user's own features. */
export function deleteFeature(options: { name: string; csrfToken: string | null }): Promise<void> {
  return requestApi({
    method: 'DELETE',
    path: `/api/ai/features/${encodeURIComponent(options.name)}`,
    csrfToken: options.csrfToken,
  });
}
