import { type ChangeEvent, type FormEvent, useState } from 'react';
import type { z } from 'zod';
import { collectFieldErrors, type FieldErrors } from '../lib/collect-field-errors.ts';

export type UseValidatedFormOptions<TField extends string, TParsed> = {
  /** In on-screen order: the first invalid one gets the focus. */
  fields: readonly TField[];
  initialValues: Record<TField, string>;
  /** A contracts request schema, so the browser checks exactly what the server will. */
  schema: z.ZodType<TParsed>;
  onValidSubmit: (data: TParsed) => void;
};

/**
 * Form state checked against a contracts schema on submit. After the first submit it re-checks on every change,
 * so messages disappear as soon as the input is fixed, without scolding anyone who has not finished typing.
 */
export function useValidatedForm<TField extends string, TParsed>(options: UseValidatedFormOptions<TField, TParsed>) {
  const [values, setValues] = useState(options.initialValues);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<TField>>({});
  const [hasSubmitted, setHasSubmitted] = useState(false);

  function validate(next: Record<TField, string>) {
    const result = options.schema.safeParse(next);
    const errors: FieldErrors<TField> = result.success ? {} : collectFieldErrors<TField>(result.error.issues);
    setFieldErrors(errors);
    return { result, errors };
  }

  function update(field: TField, value: string) {
    const next = { ...values, [field]: value };
    setValues(next);
    if (hasSubmitted) validate(next);
  }

  function reset() {
    setValues(options.initialValues);
    setFieldErrors({});
    setHasSubmitted(false);
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setHasSubmitted(true);
    const { result, errors } = validate(values);
    if (result.success) {
      options.onValidSubmit(result.data);
      return;
    }
    const firstInvalid = options.fields.find((field) => errors[field] != null);
    if (firstInvalid != null) {
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${firstInvalid}"]`)?.focus();
    }
  }

  /** What a `TextField` needs to edit one field: spread it (`<TextField label="Email" {...form.field('email')} />`). */
  function field(name: TField) {
    return {
      name,
      value: values[name],
      onChange: (event: ChangeEvent<HTMLInputElement>) => update(name, event.target.value),
      error: fieldErrors[name],
    };
  }

  return { values, fieldErrors, update, reset, handleSubmit, field };
}
