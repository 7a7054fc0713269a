import type { ServerResponse } from 'node:http';
import { ApiRejection } from '../create-authorized-routes.ts';
import { describeJsonType, isPlainObject } from '../describe-json-type.ts';
import type { FakeRequest } from '../fake-request.ts';
import { sendJson } from '../send-json.ts';
import type { FakeOpenAiModel } from './fake-openai-model.ts';

// api.openai.com's error envelope, and the request checks of chat, responses and embeddings in its real wording.

export type OpenAiErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

/** A refusal; the status defaults to 400 and the type to `invalid_request_error`. */
export function openAiError(options: Partial<OpenAiErrorBody['error']> & { message: string; status?: number }) {
  const { message, type = 'invalid_request_error', param = null, code = null } = options;
  return new ApiRejection({ status: options.status ?? 400, body: { error: { message, type, param, code } } });
}

export function sendOpenAiRejection(reply: ServerResponse, rejection: ApiRejection): void {
  // Every api.openai.com answer carries a request id; clients log it, so the fake sends one too.
  const headers = { 'x-request-id': `req_fake_${Date.now().toString(36)}`, ...rejection.headers };
  sendJson({ reply, status: rejection.status, body: rejection.body, headers });
}

const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
  'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
  'figuring out how to fix this, please contact us through our help center at help.openai.com.)';

export function readOpenAiJsonBody(request: FakeRequest): unknown {
  try {
    return request.json();
  } catch {
    throw openAiError({ message: INVALID_JSON_MESSAGE });
  }
}

/** The body as an object with only known fields (unless the fake is lenient), and the model id it names. */
export function readRequestBase(options: {
  body: unknown;
  known: ReadonlySet<string>;
  shouldRejectUnknownParameters: boolean;
  /** The Responses API names a missing model as a missing parameter; the others say it in their own words. */
  isModelAParameter: boolean;
}): { body: Record<string, unknown>; modelId: string } {
  const { body } = options;
  if (!isPlainObject(body)) throw openAiError({ message: INVALID_JSON_MESSAGE });
  const unknown = Object.keys(body).find((name) => !options.known.has(name));
  if (options.shouldRejectUnknownParameters && unknown != null) {
    throw openAiError({ message: `Unrecognized request argument supplied: ${unknown}` });
  }
  if (body.model == null || body.model === '') {
    if (options.isModelAParameter) rejectMissing('model');
    throw openAiError({ message: 'you must provide a model parameter' });
  }
  if (typeof body.model !== 'string') rejectType('model', 'a string', body.model);
  return { body, modelId: body.model };
}

/** The requested model; an unknown one is a 404 `model_not_found`, one of the wrong kind a 400 or 404. */
export function resolveRequestModel(options: {
  models: readonly FakeOpenAiModel[];
  id: string;
  endpoint: 'chat' | 'responses' | 'embeddings';
}): FakeOpenAiModel {
  const { id, endpoint } = options;
  const model = options.models.find((candidate) => candidate.id === id);
  if (model == null) {
    const message = `The model \`${id}\` does not exist or you do not have access to it.`;
    throw openAiError({ status: 404, message, code: 'model_not_found' });
  }
  if (endpoint === 'chat' && model.kind !== 'chat') {
    const message =
      'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?';
    throw openAiError({ status: 404, message, param: 'model' });
  }
  if (endpoint === 'responses' && model.kind !== 'chat') {
    const message = `The requested model '${id}' is not supported with the Responses API.`;
    throw openAiError({ message, param: 'model', code: 'model_not_found' });
  }
  if (endpoint === 'embeddings' && model.kind !== 'embedding') {
    throw openAiError({ message: `The model \`${id}\` does not support embeddings.`, param: 'model' });
  }
  return model;
}

// The schema errors' wording, which the Codex backend shares for fields inside the body.
type SchemaError = { message: string; param: string; code: string };

export function missingParameterError(param: string): SchemaError {
  return { message: `Missing required parameter: '${param}'.`, param, code: 'missing_required_parameter' };
}

export function invalidTypeError(param: string, expected: string, value: unknown): SchemaError {
  const message = `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`;
  return { message, param, code: 'invalid_type' };
}

/** Function names allowed by the API: letters, digits, underscores and dashes, at most 64. */
export function functionNameError(param: string, name: unknown): SchemaError | undefined {
  if (name == null) return missingParameterError(param);
  if (typeof name !== 'string') return invalidTypeError(param, 'a string', name);
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) {
    const message = `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`;
    return { message, param, code: 'invalid_value' };
  }
  if (name.length <= 64) return undefined;
  const message = `Invalid '${param}': string too long. Expected a string with maximum length 64, but got a string with length ${name.length} instead.`;
  return { message, param, code: 'string_above_max_length' };
}

/** "'a' and 'b'" for two, "'a', 'b', and 'c'" for more, as the real messages read. */
export function listQuoted(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

export function rejectMissing(param: string): never {
  throw openAiError(missingParameterError(param));
}

export function rejectType(param: string, expected: string, value: unknown): never {
  throw openAiError(invalidTypeError(param, expected, value));
}

function rejectValue(param: string, value: unknown, supported: readonly string[]): never {
  const message = `Invalid value: '${String(value)}'. Supported values are: ${listQuoted(supported)}.`;
  throw openAiError({ message, param, code: 'invalid_value' });
}

/** One of `supported`; when `isRequired`, a missing value is reported as missing rather than unsupported. */
export function readOneOf(param: string, value: unknown, supported: readonly string[], isRequired = false): string {
  if (isRequired && value == null) rejectMissing(param);
  if (typeof value !== 'string' || !supported.includes(value)) rejectValue(param, value, supported);
  return value;
}

export function readObject(param: string, value: unknown, isRequired = false): Record<string, unknown> {
  if (isRequired && value == null) rejectMissing(param);
  if (!isPlainObject(value)) rejectType(param, 'an object', value);
  return value;
}

export function readString(param: string, value: unknown): string {
  if (value == null) rejectMissing(param);
  if (typeof value !== 'string') rejectType(param, 'a string', value);
  return value;
}

export function readOptionalBoolean(param: string, value: unknown): boolean | undefined {
  if (value != null && typeof value !== 'boolean') rejectType(param, 'a boolean', value);
  return (value ?? undefined) as boolean | undefined;
}

export function readOptionalInteger(param: string, value: unknown, minimum = 1): number | undefined {
  if (value == null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) rejectType(param, 'an integer', value);
  if (value < minimum) {
    const message = `Invalid '${param}': integer below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`;
    throw openAiError({ message, param, code: 'integer_below_min_value' });
  }
  return value;
}

export function checkFunctionName(param: string, value: unknown): void {
  const problem = functionNameError(param, value);
  if (problem != null) throw openAiError(problem);
}
