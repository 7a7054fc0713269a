import { describeJsonType } from '../describe-json-type.ts';

/** The FastAPI shape the backend uses for request validation (docs/codex-protocol.md §5.3, §7.1). */
export function detailErrorBody(message: string): { detail: string } {
  return { detail: message };
}

/** The OpenAI error envelope, which the backend uses for schema errors inside the body and non-validation errors. */
export function openAiErrorBody(options: { message: string; type?: string; code: string | null; param?: string }) {
  const { message, type = 'invalid_request_error', param = null, code } = options;
  return { error: { message, type, param, code } };
}

// The schema errors below use the OpenAI platform's wording (§7.1 quotes one: "Invalid value: 'other'. Supported
// values are: …" with code `invalid_value`); the backend shares that validation layer for fields inside the body.

export function invalidTypeBody(options: { param: string; expected: string; value: unknown }) {
  const { param, expected, value } = options;
  const message = `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`;
  return openAiErrorBody({ message, param, code: 'invalid_type' });
}

export function missingParameterBody(param: string) {
  return openAiErrorBody({
    message: `Missing required parameter: '${param}'.`,
    param,
    code: 'missing_required_parameter',
  });
}

/** "Invalid value: 'x'. Supported values are: 'a', 'b', and 'c'." */
export function invalidValueBody(options: { param: string; value: unknown; supported: readonly string[] }) {
  const message = `Invalid value: ${quoteJsonValue(options.value)}. Supported values are: ${listQuoted(options.supported)}.`;
  return openAiErrorBody({ message, param: options.param, code: 'invalid_value' });
}

/** "'a' and 'b'" for two, "'a', 'b', and 'c'" for more, as the real messages read. */
export function listQuoted(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

/** A value as the messages quote it: strings in single quotes, anything else as its JSON text. */
export function quoteJsonValue(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value ?? null).replaceAll('"', "'");
}
