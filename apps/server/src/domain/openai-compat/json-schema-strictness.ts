import { CODEX_PROVIDER_KEY, type SharedV3ProviderOptions } from '@pag/providers';

/**
 * How strictly an OpenAI client's `json_schema` response format is held, for the adapters that default to strict:
 * the client's own `strict`, else false, as OpenAI's APIs default. A non-strict schema (without
 * `additionalProperties: false` and every property required) then passes as it does on OpenAI, where the strict
 * default of the note-app API (docs/note-app-api.md) would have the upstream refuse it.
 */
export function jsonSchemaStrictness(strict: unknown): SharedV3ProviderOptions {
  const strictJsonSchema = strict === true;
  return { [CODEX_PROVIDER_KEY]: { strictJsonSchema }, openaiCompatible: { strictJsonSchema } };
}
