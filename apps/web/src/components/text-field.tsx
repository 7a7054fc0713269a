import { type InputHTMLAttributes, type ReactNode, type Ref, useId } from 'react';

export type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & {
  label: string;
  /** Validation message worded to follow the label ("must be …"); shown as "<label> <error>". */
  error?: string | null;
  hint?: ReactNode;
  /** The input itself (React 19 passes `ref` as a prop), for a dialog that focuses it on open. */
  ref?: Ref<HTMLInputElement>;
};

/** A labelled input whose hint and error are wired to it with `aria-describedby`, so screen readers read them. */
export function TextField({ label, error, hint, className, ...inputProps }: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint == null ? null : hintId, error == null ? null : errorId].filter(Boolean).join(' ');

  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        {...inputProps}
        id={id}
        className="input"
        aria-invalid={error == null ? undefined : true}
        aria-describedby={describedBy === '' ? undefined : describedBy}
      />
      {hint == null ? null : (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error == null ? null : (
        <p className="field-error" id={errorId}>
          {label} {error}
        </p>
      )}
    </div>
  );
}
