import { invalidType, invalidValue } from '../coded-type-error.ts';

/** Readers of test-hook bodies (snake_case JSON); misuse is a coded TypeError, which the harness answers with a 400. */

export function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw invalidType(`"${name}" must be a non-empty string`);
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value != null && typeof value !== 'string') throw invalidType(`"${name}" must be a string`);
  return value ?? undefined;
}

export function optionalStrings(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  const isStrings = Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (value != null && !isStrings) throw invalidType(`"${name}" must be an array of strings`);
  return value ?? undefined;
}

/** `access_token_ttl_seconds` of a mint hook. */
export function optionalTtl(body: Record<string, unknown>): number | undefined {
  const ttl = body.access_token_ttl_seconds;
  if (ttl != null && typeof ttl !== 'number') throw invalidType('"access_token_ttl_seconds" must be a number');
  if (ttl != null && !(Number.isInteger(ttl) && ttl > 0)) {
    throw invalidValue('"access_token_ttl_seconds" must be a positive integer');
  }
  return ttl ?? undefined;
}

/** The account a control names (undefined when none), or a coded TypeError for one the fake does not know. */
export function findNamedAccount<Account>(
  selector: string | undefined,
  find: (selector: string) => Account | undefined,
  /** What a selector may be, e.g. "email or sub". */
  kinds: string,
): Account | undefined {
  const account = selector == null ? undefined : find(selector);
  if (selector != null && account == null) throw invalidValue(`"account" "${selector}" is not a known ${kinds}`);
  return account;
}
