import { isPlainObject } from '../describe-json-type.ts';
import { openAiErrorBody } from './build-codex-error-answer.ts';

/** `text.format.name`: what the Responses API allows (letters, digits, `_` and `-`, at most 64). */
const FORMAT_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * `text.format` as the backend checks it (docs/codex-protocol.md §5.3, "Structured output"): `text`, `json_object`,
 * or `json_schema` with a `name` and a `schema` object. With `strict: true` (what the official client sends for
 * `--output-schema`) the schema must be in the strict subset: an object at the root, and every object schema sets
 * `additionalProperties: false` and lists each of its `properties` in `required`. The messages are the platform's
 * `invalid_json_schema` texts (param `text.format.schema`).
 */
export function checkCodexTextFormat(format: unknown): unknown {
  if (format == null) return undefined;
  if (!isPlainObject(format)) return invalidType('text.format', 'an object');
  const { type } = format;
  if (type === 'text' || type === 'json_object') return undefined;
  if (type !== 'json_schema') {
    const message = `Invalid value: '${String(type)}'. Supported values are: 'text', 'json_object', and 'json_schema'.`;
    return openAiErrorBody({ message, param: 'text.format.type', code: 'invalid_value' });
  }
  if (typeof format.name !== 'string') {
    return openAiErrorBody({
      message: "Missing required parameter: 'text.format.name'.",
      param: 'text.format.name',
      code: 'missing_required_parameter',
    });
  }
  if (!FORMAT_NAME.test(format.name)) {
    const message = `Invalid 'text.format.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`;
    return openAiErrorBody({ message, param: 'text.format.name', code: 'invalid_value' });
  }
  if (!isPlainObject(format.schema)) return invalidType('text.format.schema', 'an object');
  if (format.strict !== true) return undefined;
  const problem = findStrictSchemaProblem(format.schema, []);
  if (problem == null) return undefined;
  return openAiErrorBody({
    message: `Invalid schema for response_format '${format.name}': ${problem}`,
    param: 'text.format.schema',
    code: 'invalid_json_schema',
  });
}

/** The first rule of the strict subset the schema breaks, in the platform's words; undefined when it has none. */
function findStrictSchemaProblem(schema: Record<string, unknown>, context: readonly string[]): string | undefined {
  if (context.length === 0 && schema.type !== 'object') {
    // The platform prints a missing type as Python's None.
    const type = schema.type == null ? '"None"' : JSON.stringify(schema.type);
    return `schema must be a JSON Schema of 'type: "object"', got 'type: ${type}'.`;
  }
  const where = `In context=(${context.map((key) => `'${key}'`).join(', ')}${context.length === 1 ? ',' : ''})`;
  const isObject = schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
  if (isObject || isPlainObject(schema.properties)) {
    if (schema.additionalProperties !== false) {
      return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const keys = isPlainObject(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : null;
    const missing = keys.find((key) => !required?.includes(key));
    if (required == null || missing != null) {
      return (
        `${where}, 'required' is required to be supplied and to be an array including every key in properties.` +
        (missing == null ? '' : ` Missing '${missing}'.`)
      );
    }
  }
  for (const [keyword, value] of Object.entries(schema)) {
    const children: [string[], unknown][] =
      keyword === 'properties' || keyword === '$defs' || keyword === 'definitions'
        ? Object.entries(isPlainObject(value) ? value : {}).map(([key, child]) => [[keyword, key], child])
        : keyword === 'items'
          ? [[['items'], value]]
          : keyword === 'anyOf'
            ? (Array.isArray(value) ? value : []).map((child, index) => [['anyOf', String(index)], child])
            : [];
    for (const [path, child] of children) {
      if (!isPlainObject(child)) continue;
      const problem = findStrictSchemaProblem(child, [...context, ...path]);
      if (problem != null) return problem;
    }
  }
  return undefined;
}

function invalidType(param: string, expected: string) {
  return openAiErrorBody({
    message: `Invalid type for '${param}': expected ${expected}.`,
    param,
    code: 'invalid_type',
  });
}
