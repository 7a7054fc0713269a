import { type QuotaAnswer, quotaAnswerSchema } from '@pag/contracts';
import { requestApi } from './request-api.ts';

/**
 * `GET /api/usage/quota`: the subscription's windows now (the server reads the usage endpoint when its snapshot is
 * over a minute old) and their history.
 */
export function getUsageQuota(signal?: AbortSignal): Promise<QuotaAnswer> {
  return requestApi({ path: '/api/usage/quota', schema: quotaAnswerSchema, signal });
}
