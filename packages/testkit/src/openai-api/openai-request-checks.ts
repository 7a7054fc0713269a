import { describeJsonType, isPlainObject } from '../describe-json-type.ts';
import { OpenAiRequestRejectedError } from './openai-api-error.ts';

/** Small checks shared by the chat, responses and embeddings validators, each failing with the real wording. */

export function rejectMissing(param: string): never {
  throw new OpenAiRequestRejectedError({
    message: `Missing required parameter: '${param}'.`,
    param,
    code: 'missing_required_parameter',
  });
}

export function rejectType(options: { param: string; expected: string; value: unknown }): never {
  throw new OpenAiRequestRejectedError({
    message: `Invalid type for '${options.param}': expected ${options.expected}, but got ${describeJsonType(options.value)} instead.`,
    param: options.param,
    code: 'invalid_type',
  });
}

export function rejectValue(options: { param: string; value: unknown; supported: readonly string[] }): never {
  const quoted = options.supported.map((value) => `'${value}'`);
  // "'a' and 'b'" for two, "'a', 'b', and 'c'" for more, as the real messages read.
  const head = quoted.slice(0, -1).join(', ');
  const list =
    quoted.length > 2
      ? `${head}, and ${quoted.at(-1)}`
      : quoted.length === 2
        ? `${head} and ${quoted.at(-1)}`
        : (quoted[0] ?? '');
  throw new OpenAiRequestRejectedError({
    message: `Invalid value: '${String(options.value)}'. Supported values are: ${list}.`,
    param: options.param,
    code: 'invalid_value',
  });
}

export function rejectUnknownParameters(options: { body: Record<string, unknown>; known: ReadonlySet<string> }): void {
  for (const name of Object.keys(options.body)) {
    if (!options.known.has(name)) {
      throw new OpenAiRequestRejectedError({
        message: `Unrecognized request argument supplied: ${name}`,
        param: null,
        code: null,
      });
    }
  }
}

export function readObject(options: { param: string; value: unknown }): Record<string, unknown> {
  if (!isPlainObject(options.value)) rejectType({ param: options.param, expected: 'an object', value: options.value });
  return options.value;
}

export function readOptionalBoolean(options: { param: string; value: unknown }): boolean | undefined {
  if (options.value == null) return undefined;
  if (typeof options.value !== 'boolean') {
    rejectType({ param: options.param, expected: 'a boolean', value: options.value });
  }
  return options.value;
}

export function readOptionalPositiveInteger(options: { param: string; value: unknown }): number | undefined {
  const { param, value } = options;
  if (value == null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) rejectType({ param, expected: 'an integer', value });
  if (value < 1) {
    throw new OpenAiRequestRejectedError({
      message: `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
      param,
      code: 'integer_below_min_value',
    });
  }
  return value;
}

/** Function names allowed by the API: letters, digits, underscores and dashes, at most 64. */
export function checkFunctionName(options: { param: string; value: unknown }): string {
  const { param, value } = options;
  if (value == null) rejectMissing(param);
  if (typeof value !== 'string') rejectType({ param, expected: 'a string', value });
  if (!/^[a-zA-Z0-9_-]+$/.test(value)) {
    throw new OpenAiRequestRejectedError({
      message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
      param,
      code: 'invalid_value',
    });
  }
  if (value.length > 64) {
    throw new OpenAiRequestRejectedError({
      message: `Invalid '${param}': string too long. Expected a string with maximum length 64, but got a string with length ${value.length} instead.`,
      param,
      code: 'string_above_max_length',
    });
  }
  return value;
}
