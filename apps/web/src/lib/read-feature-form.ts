import {
  type CreateFeatureRequest,
  createFeatureRequestSchema,
  type ReasoningEffort,
  type UpdateFeatureRequest,
  updateFeatureRequestSchema,
} from '@pag/contracts';
import { collectFieldErrors, type FieldErrors } from './collect-field-errors.ts';

/** The feature form as typed: every field text, the schema as JSON text (empty: free-text answers). */
export type FeatureFormValues = {
  name: string;
  prompt: string;
  model: string;
  reasoningEffort: string;
  schemaText: string;
};
export type FeatureFormField = keyof FeatureFormValues;

type Read<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors<FeatureFormField> };

/** The schema box: empty means none; otherwise it must be a JSON object (the server checks the rest). */
function readSchema(text: string): { ok: true; schema: Record<string, unknown> | null } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, schema: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'must be a JSON Schema object, e.g. { "type": "object", … }' };
  }
  return { ok: true, schema: value as Record<string, unknown> };
}

function toRequestFields(values: FeatureFormValues) {
  return {
    prompt: values.prompt.trim(),
    model: values.model === '' ? null : values.model,
    reasoningEffort: values.reasoningEffort === '' ? null : (values.reasoningEffort as ReasoningEffort),
  };
}

/** A new feature's form as a `POST /api/ai/features` body, or the messages to show beside each field. */
export function readNewFeatureForm(values: FeatureFormValues): Read<CreateFeatureRequest> {
  const schema = readSchema(values.schemaText);
  if (!schema.ok) return { ok: false, errors: { schemaText: schema.error } };
  const parsed = createFeatureRequestSchema.safeParse({
    name: values.name.trim(),
    ...toRequestFields(values),
    schema: schema.schema,
  });
  if (!parsed.success) return { ok: false, errors: toFormErrors(parsed.error.issues) };
  return { ok: true, value: parsed.data };
}

/**
 * An edited feature as a `PUT` body. A built-in feature sends prompt and model only (the server refuses the rest);
 * an own feature sends every field.
 */
export function readFeatureChanges(values: FeatureFormValues, isBuiltIn: boolean): Read<UpdateFeatureRequest> {
  const fields = toRequestFields(values);
  if (isBuiltIn) {
    const parsed = updateFeatureRequestSchema.safeParse({ prompt: fields.prompt, model: fields.model });
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: toFormErrors(parsed.error.issues) };
  }
  const schema = readSchema(values.schemaText);
  if (!schema.ok) return { ok: false, errors: { schemaText: schema.error } };
  const parsed = updateFeatureRequestSchema.safeParse({ ...fields, schema: schema.schema });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: toFormErrors(parsed.error.issues) };
}

/** Contract issues under the form's field names (`schema` is typed in the `schemaText` box). */
function toFormErrors(issues: Parameters<typeof collectFieldErrors>[0]): FieldErrors<FeatureFormField> {
  const errors = collectFieldErrors<FeatureFormField | 'schema'>(issues);
  const { schema, ...rest } = errors;
  return schema == null ? rest : { ...rest, schemaText: schema };
}

/** The form's values for a stored feature. */
export function toFeatureFormValues(feature: {
  name: string;
  prompt: string;
  model: string | null;
  reasoningEffort: string | null;
  schema: Record<string, unknown> | null;
}): FeatureFormValues {
  return {
    name: feature.name,
    prompt: feature.prompt,
    model: feature.model ?? '',
    reasoningEffort: feature.reasoningEffort ?? '',
    schemaText: feature.schema == null ? '' : JSON.stringify(feature.schema, null, 2),
  };
}
