import type { ProtoField, ProtoShape } from './gemini-request-shapes.ts';
import { rejectInvalidPayload } from './google-api-error.ts';

/**
 * Parses a request body against a proto shape the way Google's JSON transcoding does: unknown names and wrongly
 * typed values fail with its "Invalid JSON payload received" / "Invalid value at" messages; snake_case names are
 * accepted and the result uses lowerCamelCase throughout, so later checks read one spelling.
 */
export function parseProtoJson(options: { value: unknown; shape: ProtoShape }): Record<string, unknown> {
  return parseMessage({ value: options.value, shape: options.shape, path: '' });
}

function parseMessage(options: { value: unknown; shape: ProtoShape; path: string }): Record<string, unknown> {
  const { value, shape, path } = options;
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    if (path === '') throw rejectInvalidPayload({ message: 'Invalid JSON payload received. Expected an object.' });
    throw invalidValue({ path, type: shape.type, value });
  }
  const parsed: Record<string, unknown> = {};
  for (const [name, fieldValue] of Object.entries(value)) {
    const camel = name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
    const field = shape.fields[camel];
    if (field == null) {
      const where = path === '' ? '' : ` at '${path}'`;
      throw rejectInvalidPayload({
        message: `Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`,
        ...(path === '' ? {} : { field: path }),
      });
    }
    if (fieldValue === null) continue;
    parsed[camel] = parseField({ value: fieldValue, field, path: joinPath(path, toSnake(camel)) });
  }
  return parsed;
}

function parseField(options: { value: unknown; field: ProtoField; path: string }): unknown {
  const { value, field, path } = options;
  switch (field.kind) {
    case 'any':
      return value;
    case 'struct':
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw invalidValue({ path, type: 'type.googleapis.com/google.protobuf.Struct', value });
      }
      return value;
    case 'scalar':
      if (field.isRepeated) {
        if (!Array.isArray(value)) throw invalidValue({ path, type: field.type, value });
        return value.map((item, index) => parseScalar({ value: item, type: field.type, path: `${path}[${index}]` }));
      }
      return parseScalar({ value, type: field.type, path });
    case 'enum': {
      const text = typeof value === 'string' && field.isCaseInsensitive ? value.toUpperCase() : value;
      if (typeof text !== 'string' || !field.values.includes(text))
        throw invalidValue({ path, type: field.type, value });
      return text;
    }
    case 'message':
      if (field.isRepeated) {
        if (!Array.isArray(value)) throw invalidValue({ path, type: field.shape.type, value });
        return value.map((item, index) => parseMessage({ value: item, shape: field.shape, path: `${path}[${index}]` }));
      }
      return parseMessage({ value, shape: field.shape, path });
    default:
      return assertNever(field);
  }
}

function parseScalar(options: { value: unknown; type: string; path: string }): unknown {
  const { value, type, path } = options;
  const isValid =
    type === 'TYPE_BOOL'
      ? typeof value === 'boolean'
      : type === 'TYPE_INT32'
        ? (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value))
        : type === 'TYPE_FLOAT'
          ? typeof value === 'number' || (typeof value === 'string' && value !== '' && Number.isFinite(Number(value)))
          : type === 'TYPE_BYTES'
            ? typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)
            : typeof value === 'string';
  if (!isValid) throw invalidValue({ path, type, value });
  return type === 'TYPE_INT32' || type === 'TYPE_FLOAT' ? Number(value) : value;
}

function invalidValue(options: { path: string; type: string; value: unknown }) {
  return rejectInvalidPayload({
    message: `Invalid value at '${options.path}' (${options.type}), ${JSON.stringify(options.value)}`,
    field: options.path,
  });
}

function joinPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function toSnake(camel: string): string {
  return camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled proto field ${JSON.stringify(value)}`);
}
