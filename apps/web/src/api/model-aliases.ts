import { type ModelAlias, modelAliasListSchema } from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/model-aliases`: names clients hard-code and the gateway model each stands for. */
export async function listModelAliases(signal?: AbortSignal): Promise<ModelAlias[]> {
  return (await requestApi({ path: '/api/model-aliases', schema: modelAliasListSchema, signal })).aliases;
}

/** `PUT /api/model-aliases`: replaces the whole table. */
export async function saveModelAliases(options: {
  aliases: ModelAlias[];
  csrfToken: string | null;
}): Promise<ModelAlias[]> {
  const saved = await requestApi({
    method: 'PUT',
    path: '/api/model-aliases',
    body: { aliases: options.aliases },
    csrfToken: options.csrfToken,
    schema: modelAliasListSchema,
  });
  return saved.aliases;
}
