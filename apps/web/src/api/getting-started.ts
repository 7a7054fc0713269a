import { type GettingStarted, gettingStartedSchema } from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/getting-started`: the first-run checklist, each step from what the gateway stored. */
export function getGettingStarted(signal?: AbortSignal): Promise<GettingStarted> {
  return requestApi({ path: '/api/getting-started', schema: gettingStartedSchema, signal });
}
