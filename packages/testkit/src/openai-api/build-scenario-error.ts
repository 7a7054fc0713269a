import type { FakeOpenAiHttpErrorScenario } from './fake-openai-scenario.ts';
import type { OpenAiApiErrorBody, OpenAiApiRejection } from './openai-api-error.ts';
import { buildOpenAiResponseHeaders } from './openai-response-headers.ts';

/** The error a stream carries when it fails part-way, unless the scenario names another. */
export const DEFAULT_STREAM_ERROR: OpenAiApiErrorBody['error'] = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  param: null,
  code: null,
};

/** Status, body and headers for an `http-error` scenario; 429, 500 and 503 get the real default bodies. */
export function buildScenarioError(options: {
  scenario: FakeOpenAiHttpErrorScenario;
  model: string;
}): OpenAiApiRejection {
  const { scenario } = options;
  const isRateLimited = scenario.status === 429;
  const headers = { ...buildOpenAiResponseHeaders({ isRateLimited }), ...scenario.headers };
  return {
    status: scenario.status,
    body: scenario.body ?? defaultBody({ status: scenario.status, model: options.model }),
    headers,
  };
}

function defaultBody(options: { status: number; model: string }): OpenAiApiErrorBody {
  const error = (message: string, type: string, code: string | null = null) => ({
    error: { message, type, param: null, code },
  });
  switch (options.status) {
    case 429:
      return error(
        `Rate limit reached for ${options.model} in organization org-fake on requests per min (RPM): Limit 500, ` +
          'Used 500, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.',
        'requests',
        'rate_limit_exceeded',
      );
    case 500:
      return { error: DEFAULT_STREAM_ERROR };
    case 503:
      return error('The engine is currently overloaded, please try again later', 'server_error');
    default:
      return error(
        `Scripted error with status ${options.status}.`,
        options.status >= 500 ? 'server_error' : 'invalid_request_error',
      );
  }
}
