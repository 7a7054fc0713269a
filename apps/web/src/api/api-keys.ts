import {
  type ApiKeySummary,
  apiKeyListSchema,
  apiKeySummarySchema,
  type CallerPolicy,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  createdApiKeySchema,
  type ReasoningOutput,
} from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/keys`: the signed-in user's keys, never their secrets. */
export async function listApiKeys(signal?: AbortSignal): Promise<ApiKeySummary[]> {
  const answer = await requestApi({ path: '/api/keys', schema: apiKeyListSchema, signal });
  return answer.keys;
}

export type CreateApiKeyOptions = { request: CreateApiKeyRequest; csrfToken: string | null };

/** `POST /api/keys`: the only answer that ever contains the full secret. */
export function createApiKey(options: CreateApiKeyOptions): Promise<CreatedApiKey> {
  return requestApi({
    method: 'POST',
    path: '/api/keys',
    body: options.request,
    csrfToken: options.csrfToken,
    schema: createdApiKeySchema,
  });
}

export type RevokeApiKeyOptions = { id: string; csrfToken: string | null };

/** `DELETE /api/keys/:id`: the key stops working at once. */
export function revokeApiKey(options: RevokeApiKeyOptions): Promise<void> {
  return requestApi({
    method: 'DELETE',
    path: `/api/keys/${encodeURIComponent(options.id)}`,
    csrfToken: options.csrfToken,
  });
}

/** `PATCH /api/keys/:id`: how `/v1/chat/completions` shows reasoning to this key's client. */
export function updateApiKeyReasoningOutput(options: {
  id: string;
  reasoningOutput: ReasoningOutput;
  csrfToken: string | null;
}): Promise<ApiKeySummary> {
  return requestApi({
    method: 'PATCH',
    path: `/api/keys/${encodeURIComponent(options.id)}`,
    body: { reasoningOutput: options.reasoningOutput },
    csrfToken: options.csrfToken,
    schema: apiKeySummarySchema,
  });
}

/** `PATCH /api/keys/:id`: what the key may do (models, subscription only, web pages), replaced whole. */
export function updateApiKeyPolicy(options: {
  id: string;
  policy: CallerPolicy;
  csrfToken: string | null;
}): Promise<ApiKeySummary> {
  return requestApi({
    method: 'PATCH',
    path: `/api/keys/${encodeURIComponent(options.id)}`,
    body: { policy: options.policy },
    csrfToken: options.csrfToken,
    schema: apiKeySummarySchema,
  });
}
