import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson } from '../send-json.ts';

/** The envelope every api.openai.com error uses; `type` is usually `invalid_request_error`. */
export type OpenAiApiErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

export type OpenAiApiErrorOptions = {
  message: string;
  /** Default `invalid_request_error`. */
  type?: string;
  param?: string | null;
  code?: string | null;
};

export function buildOpenAiApiError(options: OpenAiApiErrorOptions): OpenAiApiErrorBody {
  return {
    error: {
      message: options.message,
      type: options.type ?? 'invalid_request_error',
      param: options.param ?? null,
      code: options.code ?? null,
    },
  };
}

/** A failed check: the status and body the route answers with. */
export type OpenAiApiRejection = { status: number; body: OpenAiApiErrorBody; headers?: OutgoingHttpHeaders };

export function rejectOpenAiRequest(options: OpenAiApiErrorOptions & { status?: number }): OpenAiApiRejection {
  return { status: options.status ?? 400, body: buildOpenAiApiError(options) };
}

export function sendOpenAiApiRejection(options: { reply: ServerResponse; rejection: OpenAiApiRejection }): void {
  const { rejection } = options;
  sendJson({
    reply: options.reply,
    status: rejection.status,
    body: rejection.body,
    // Every api.openai.com answer carries a request id; clients log it, so the fake sends one too.
    headers: { 'x-request-id': `req_fake_${Date.now().toString(36)}`, ...rejection.headers },
  });
}

/** Real wording, quirks included (the parse error's hint, "preceeding"). */
export const OPENAI_API_MESSAGES = {
  missingApiKey:
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
    "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
    'from your browser and are prompted for a username and password. You can obtain an API key from ' +
    'https://platform.openai.com/account/api-keys.',
  invalidJson:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
    'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
    'figuring out how to fix this, please contact us through our help center at help.openai.com.)',
  missingModel: 'you must provide a model parameter',
} as const;

/** `Incorrect API key provided: sk-abc***wxyz.` as the real server masks it. */
export function describeIncorrectApiKey(key: string): string {
  const masked = key.length <= 8 ? key : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
  return `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`;
}

/** Thrown by validators so nested checks can stop at the first problem; routes turn it into the response. */
export class OpenAiRequestRejectedError extends Error {
  readonly rejection: OpenAiApiRejection;

  constructor(options: OpenAiApiErrorOptions & { status?: number }) {
    super(options.message);
    this.rejection = rejectOpenAiRequest(options);
  }
}
