import { type ModelEntry, modelListSchema } from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/ai/models`: the user's merged catalogue, subscription first. */
export async function listModels(signal?: AbortSignal): Promise<ModelEntry[]> {
  return (await requestApi({ path: '/api/ai/models', schema: modelListSchema, signal })).models;
}
