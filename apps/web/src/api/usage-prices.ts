import { type CustomPrice, customPriceListSchema } from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/usage/prices`: the user's own API prices for their OpenAI-compatible endpoint (docs/api-prices.md §4). */
export async function listCustomPrices(signal?: AbortSignal): Promise<CustomPrice[]> {
  return (await requestApi({ path: '/api/usage/prices', schema: customPriceListSchema, signal })).prices;
}

/** `PUT /api/usage/prices`: replaces the whole list. */
export async function saveCustomPrices(options: {
  prices: CustomPrice[];
  csrfToken: string | null;
}): Promise<CustomPrice[]> {
  const saved = await requestApi({
    method: 'PUT',
    path: '/api/usage/prices',
    body: { prices: options.prices },
    csrfToken: options.csrfToken,
    schema: customPriceListSchema,
  });
  return saved.prices;
}
