import type { GatewayClientError } from '@pag/client';
import { gatewayErrorCodeSchema } from '@pag/contracts';
import { ApiError } from './api-error.ts';

/**
 * The SDK's error as the rest of this app reports errors: the gateway's code and message (an answer's HTTP status,
 * or 200 for an error inside a stream that had started), or no answer at all.
 */
export function gatewayClientErrorToApiError(error: GatewayClientError): ApiError {
  if (error.code === 'network_error') {
    return new ApiError({ code: 'network_error', status: 0, message: 'Could not reach the gateway.', cause: error });
  }
  const code = gatewayErrorCodeSchema.safeParse(error.code);
  return new ApiError({
    code: code.success ? code.data : error.status === 429 ? 'rate_limited' : 'unexpected_response',
    // No status: the error came inside a stream that had started (or the stream was lost), after a 200.
    status: error.status ?? 200,
    message: error.message,
    retryAfter: error.retryAfter,
    resetsAt: error.resetsAt?.toISOString() ?? null,
    cause: error,
  });
}
