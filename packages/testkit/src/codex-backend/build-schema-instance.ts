import { isPlainObject } from '../describe-json-type.ts';

/**
 * A small JSON value that matches a (strict-subset) JSON Schema: what the fake answers when a scenario asks for
 * structured output. Objects get every property, arrays one item, strings their first `enum` value or `"fake"`.
 */
export function buildSchemaInstance(schema: unknown, depth = 0): unknown {
  if (!isPlainObject(schema) || depth > 20) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) return buildSchemaInstance(schema.anyOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((name) => name !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(isPlainObject(schema.properties) ? schema.properties : {}).map(([key, child]) => [
          key,
          buildSchemaInstance(child, depth + 1),
        ]),
      );
    case 'array':
      return [buildSchemaInstance(schema.items, depth + 1)];
    case 'string':
      return 'fake';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}
