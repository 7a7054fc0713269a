import type { OutputSchema } from '@pag/contracts';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { GatewayError } from '../gateway-error.ts';
import { LruMap } from '../lru-map.ts';

/** A compiled output schema: checks a parsed answer, and says what is wrong with one that does not match. */
export type OutputValidator = {
  readonly schema: OutputSchema;
  /** Undefined when `value` matches; else the first mismatches in words (`/tags: must be array`). */
  check(value: unknown): string | undefined;
};

/** Schemas compiled recently (a feature's schema is the same on every call): compiling is the costly part. */
const COMPILED = new LruMap<string, ValidateFunction>(200);
/** One validator instance; `strict: false` lets through the keywords providers add (`title`, `description`…). */
const ajv = new Ajv({ strict: false, allErrors: true });

/**
 * Checks that a note request's or a feature's output schema can be used, and compiles it. It must be a JSON Schema
 * ajv compiles, in the strict subset that every provider's structured output holds the model to (the Codex backend
 * refuses anything else with `strict: true`, docs/codex-protocol.md §5.3): every object schema sets
 * `additionalProperties: false` and lists each of its properties in `required`. A schema outside it is the
 * caller's to fix: a 400 naming where and how.
 */
export function compileOutputSchema(schema: OutputSchema, param = 'schema'): OutputValidator {
  const problem = findStrictSubsetProblem(schema, param);
  if (problem != null) throw new GatewayError('invalid_request', `"${problem.at}" ${problem.message}`, { param });
  const key = JSON.stringify(schema);
  let validate = COMPILED.get(key);
  if (validate == null) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GatewayError('invalid_request', `"${param}" is not a valid JSON Schema: ${reason}.`, { param });
    }
    COMPILED.set(key, validate);
  }
  const compiled = validate;
  return {
    schema,
    check: (value) => (compiled(value) ? undefined : describeErrors(compiled.errors ?? [])),
  };
}

function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((error) => `${error.instancePath === '' ? '(root)' : error.instancePath}: ${error.message ?? 'is invalid'}`)
    .join('; ');
}

/** The first place where the schema leaves the strict subset, and what to change there. */
function findStrictSubsetProblem(
  schema: Record<string, unknown>,
  at: string,
): { at: string; message: string } | undefined {
  const isObject = schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
  const properties = isRecord(schema.properties) ? schema.properties : undefined;
  if (isObject || properties != null) {
    if (schema.additionalProperties !== false) {
      return { at, message: 'must set "additionalProperties": false (structured output allows no other keys)' };
    }
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties ?? {}).filter((key) => !required.includes(key));
    if (missing.length > 0) {
      return {
        at,
        message:
          `must list every property in "required" (missing: ${missing.join(', ')}); ` +
          'make a property optional with a null type instead, e.g. "type": ["string", "null"]',
      };
    }
  }
  const children: [string, unknown][] = [
    ...Object.entries(properties ?? {}).map(([key, child]): [string, unknown] => [`${at}.properties.${key}`, child]),
    ...Object.entries(isRecord(schema.$defs) ? schema.$defs : {}).map(([key, child]): [string, unknown] => [
      `${at}.$defs.${key}`,
      child,
    ]),
    [`${at}.items`, schema.items],
    ...(Array.isArray(schema.anyOf) ? schema.anyOf : []).map((child, index): [string, unknown] => [
      `${at}.anyOf[${index}]`,
      child,
    ]),
  ];
  for (const [path, child] of children) {
    if (!isRecord(child)) continue;
    const problem = findStrictSubsetProblem(child, path);
    if (problem != null) return problem;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}
