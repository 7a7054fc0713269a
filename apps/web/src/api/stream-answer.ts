import { createGatewayClient, GatewayClientError } from '@pag/client';
import {
  type AiRequest,
  type AiStreamEvent,
  CSRF_HEADER,
  gatewayErrorCodeSchema,
  type ModelEntry,
  modelListSchema,
} from '@pag/contracts';
import { ApiError } from './api-error.ts';
import { requestApi } from './request-api.ts';

/** `GET /api/ai/models`: the user's merged catalogue, subscription first. */
export async function listModels(signal?: AbortSignal): Promise<ModelEntry[]> {
  return (await requestApi({ path: '/api/ai/models', schema: modelListSchema, signal })).models;
}

/**
 * `POST /api/ai/stream` with the session cookie, through the typed client note apps use (`@pag/client`: one SSE
 * reader for both): yields `delta`, `reasoning`, then `done` or `error` as the model writes. A failure before the
 * first event is thrown as an {@link ApiError} (with `retryAfter` for limits); aborting `signal` stops the request,
 * and the gateway stops the upstream with it.
 */
export async function* streamAnswer(options: {
  request: AiRequest;
  csrfToken: string | null;
  signal: AbortSignal;
  /** Injected in tests, with the origin to call. */
  fetch?: typeof fetch;
  origin?: string;
}): AsyncGenerator<AiStreamEvent> {
  const client = createGatewayClient({
    baseUrl: options.origin ?? window.location.origin,
    headers: options.csrfToken == null ? {} : { [CSRF_HEADER]: options.csrfToken },
    ...(options.fetch == null ? {} : { fetch: options.fetch }),
  });
  try {
    yield* client.stream(options.request, { signal: options.signal });
  } catch (error) {
    throw error instanceof GatewayClientError ? toApiError(error) : error;
  }
}

/** The client's error as the rest of this app reports errors: the gateway's code and message, or no answer at all. */
function toApiError(error: GatewayClientError): ApiError {
  if (error.status == null) {
    return new ApiError({ code: 'network_error', status: 0, message: 'Could not reach the gateway.', cause: error });
  }
  const code = gatewayErrorCodeSchema.safeParse(error.code);
  return new ApiError({
    code: code.success ? code.data : error.status === 429 ? 'rate_limited' : 'unexpected_response',
    status: error.status,
    message: error.message,
    retryAfter: error.retryAfter,
    resetsAt: error.resetsAt?.toISOString() ?? null,
    cause: error,
  });
}
