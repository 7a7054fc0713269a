/** The part of a zod issue the forms need. */
export type ValidationIssue = { path: ReadonlyArray<PropertyKey>; message: string };

export type FieldErrors<TField extends string> = Partial<Record<TField, string>>;

/**
 * Keeps the first message per top-level field. The contracts word messages to follow the field's label
 * ("must be at least 12 characters"), so the form prefixes them with the label it shows.
 */
export function collectFieldErrors<TField extends string>(issues: ReadonlyArray<ValidationIssue>): FieldErrors<TField> {
  const errors: Partial<Record<string, string>> = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field !== 'string' || errors[field] != null) continue;
    errors[field] = issue.message;
  }
  return errors as FieldErrors<TField>;
}
