import type { ServerResponse } from 'node:http';
import { ApiRejection } from '../create-authorized-routes.ts';
import { sendJson } from '../send-json.ts';
import type { FakeOpenAiHttpErrorScenario } from './fake-openai-scenario.ts';
import { buildOpenAiResponseHeaders } from './openai-response-headers.ts';

/** The envelope every api.openai.com error uses. */
export type OpenAiErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

export type OpenAiErrorOptions = {
  message: string;
  /** Default 400. */
  status?: number;
  /** Default `invalid_request_error`. */
  type?: string;
  param?: string | null;
  code?: string | null;
};

export function openAiError(options: OpenAiErrorOptions): ApiRejection {
  const { message, type = 'invalid_request_error', param = null, code = null } = options;
  return new ApiRejection({ status: options.status ?? 400, body: { error: { message, type, param, code } } });
}

export function sendOpenAiRejection(reply: ServerResponse, rejection: ApiRejection): void {
  // Every api.openai.com answer carries a request id; clients log it, so the fake sends one too.
  const headers = { 'x-request-id': `req_fake_${Date.now().toString(36)}`, ...rejection.headers };
  sendJson({ reply, status: rejection.status, body: rejection.body, headers });
}

/** The error a stream carries when it fails part-way, unless the scenario names another. */
export const DEFAULT_STREAM_ERROR: OpenAiErrorBody['error'] = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  param: null,
  code: null,
};

/** An `http-error` scenario; 429, 500 and 503 get the real default bodies, a 429 the exhausted rate-limit headers. */
export function buildScenarioError(scenario: FakeOpenAiHttpErrorScenario, model: string): ApiRejection {
  const { status } = scenario;
  const error = (message: string, type: string, code: string | null = null) => ({
    error: { message, type, param: null, code },
  });
  const body =
    scenario.body ??
    (status === 429
      ? error(
          `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 500, Used 500, ` +
            'Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.',
          'requests',
          'rate_limit_exceeded',
        )
      : status === 500
        ? { error: DEFAULT_STREAM_ERROR }
        : status === 503
          ? error('The engine is currently overloaded, please try again later', 'server_error')
          : error(`Scripted error with status ${status}.`, status >= 500 ? 'server_error' : 'invalid_request_error'));
  return new ApiRejection({
    status,
    body,
    headers: { ...buildOpenAiResponseHeaders(status === 429), ...scenario.headers },
  });
}
