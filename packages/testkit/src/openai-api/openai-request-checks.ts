import { describeJsonType, isPlainObject } from '../describe-json-type.ts';
import type { FakeRequest } from '../fake-request.ts';
import type { FakeOpenAiModel } from './fake-openai-model.ts';
import { openAiError } from './openai-api-error.ts';

// The checks the chat, responses and embeddings validators share, each failing with the real wording.

const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
  'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
  'figuring out how to fix this, please contact us through our help center at help.openai.com.)';

/** The parsed body; an unparsable one gets the real server's parse error. */
export function readOpenAiJsonBody(request: FakeRequest): unknown {
  try {
    return request.json();
  } catch {
    throw openAiError({ message: INVALID_JSON_MESSAGE });
  }
}

/** The body as an object, its fields all known (unless the fake is lenient), and the model id it names. */
export function readRequestBase(options: {
  body: unknown;
  known: ReadonlySet<string>;
  shouldRejectUnknownParameters: boolean;
  /** Chat completions and embeddings say so in their own words; the Responses API names the missing parameter. */
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
  if (typeof body.model !== 'string') rejectType({ param: 'model', expected: 'a string', value: body.model });
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
    throw openAiError({
      status: 404,
      message: `The model \`${id}\` does not exist or you do not have access to it.`,
      code: 'model_not_found',
    });
  }
  if (endpoint === 'chat' && model.kind !== 'chat') {
    throw openAiError({
      status: 404,
      message:
        'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?',
      param: 'model',
    });
  }
  if (endpoint === 'responses' && model.kind !== 'chat') {
    throw openAiError({
      message: `The requested model '${id}' is not supported with the Responses API.`,
      param: 'model',
      code: 'model_not_found',
    });
  }
  if (endpoint === 'embeddings' && model.kind !== 'embedding') {
    throw openAiError({ message: `The model \`${id}\` does not support embeddings.`, param: 'model' });
  }
  return model;
}

export function rejectMissing(param: string): never {
  throw openAiError({ message: `Missing required parameter: '${param}'.`, param, code: 'missing_required_parameter' });
}

export function rejectType(options: { param: string; expected: string; value: unknown }): never {
  const { param, expected, value } = options;
  throw openAiError({
    message: `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`,
    param,
    code: 'invalid_type',
  });
}

/** Rejects a value outside `supported`, listed "'a' and 'b'" or "'a', 'b', and 'c'" as the real messages read. */
export function rejectValue(options: { param: string; value: unknown; supported: readonly string[] }): never {
  const quoted = options.supported.map((value) => `'${value}'`);
  const last = quoted.pop() ?? '';
  const list = quoted.length === 0 ? last : `${quoted.join(', ')}${quoted.length > 1 ? ',' : ''} and ${last}`;
  throw openAiError({
    message: `Invalid value: '${String(options.value)}'. Supported values are: ${list}.`,
    param: options.param,
    code: 'invalid_value',
  });
}

type Field = { param: string; value: unknown; isRequired?: boolean };

/** One of `supported`; with `isRequired`, a missing value is reported as missing rather than unsupported. */
export function readOneOf(options: Field & { supported: readonly string[] }): string {
  const { value } = options;
  if (options.isRequired && value == null) rejectMissing(options.param);
  if (typeof value !== 'string' || !options.supported.includes(value)) rejectValue(options);
  return value;
}

export function readObject(options: Field): Record<string, unknown> {
  if (options.isRequired && options.value == null) rejectMissing(options.param);
  if (!isPlainObject(options.value)) rejectType({ ...options, expected: 'an object' });
  return options.value;
}

export function readString(options: { param: string; value: unknown }): string {
  if (options.value == null) rejectMissing(options.param);
  if (typeof options.value !== 'string') rejectType({ ...options, expected: 'a string' });
  return options.value;
}

export function readOptionalBoolean(options: { param: string; value: unknown }): boolean | undefined {
  const { value } = options;
  if (value == null) return undefined;
  if (typeof value !== 'boolean') rejectType({ ...options, expected: 'a boolean' });
  return value;
}

/** An optional integer of at least `minimum` (default 1). */
export function readOptionalInteger(options: { param: string; value: unknown; minimum?: number }): number | undefined {
  const { param, value, minimum = 1 } = options;
  if (value == null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) rejectType({ param, expected: 'an integer', value });
  if (value < minimum) {
    throw openAiError({
      message: `Invalid '${param}': integer below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`,
      param,
      code: 'integer_below_min_value',
    });
  }
  return value;
}

/** Function names allowed by the API: letters, digits, underscores and dashes, at most 64. */
export function checkFunctionName(options: { param: string; value: unknown }): void {
  const { param } = options;
  const value = readString(options);
  if (!/^[a-zA-Z0-9_-]+$/.test(value)) {
    throw openAiError({
      message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
      param,
      code: 'invalid_value',
    });
  }
  if (value.length > 64) {
    throw openAiError({
      message: `Invalid '${param}': string too long. Expected a string with maximum length 64, but got a string with length ${value.length} instead.`,
      param,
      code: 'string_above_max_length',
    });
  }
}
