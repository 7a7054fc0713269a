import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ApiRejection } from '../create-authorized-routes.ts';
import { sendJson } from '../send-json.ts';

// The Anthropic API's error envelope and statuses (docs/anthropic-protocol.md, "The Anthropic API as an upstream").

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export type AnthropicErrorBody = { type: 'error'; error: { type: string; message: string }; request_id?: string };

const STATUS_BY_TYPE: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** A refusal in Anthropic's envelope; the status follows the type unless given. */
export function anthropicError(options: {
  message: string;
  type?: AnthropicErrorType;
  status?: number;
  headers?: OutgoingHttpHeaders;
}): ApiRejection {
  const type = options.type ?? 'invalid_request_error';
  const body: AnthropicErrorBody = { type: 'error', error: { type, message: options.message } };
  return new ApiRejection({ status: options.status ?? STATUS_BY_TYPE[type], body, headers: options.headers ?? {} });
}

/** Every answer carries a `request-id` header (and the body its `request_id`), which clients log. */
export function sendAnthropicRejection(reply: ServerResponse, rejection: ApiRejection): void {
  const requestId = `req_fake_${Date.now().toString(36)}`;
  const body =
    rejection.body != null && typeof rejection.body === 'object'
      ? { ...rejection.body, request_id: requestId }
      : rejection.body;
  sendJson({ reply, status: rejection.status, body, headers: { 'request-id': requestId, ...rejection.headers } });
}
