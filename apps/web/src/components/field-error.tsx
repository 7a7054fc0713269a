import { describeError } from '../lib/describe-error.ts';
import { ErrorDetails } from './error-details.tsx';

/** A failure shown under the field it concerns (a key that did not work, a pasted address): sentence + details. */
export function FieldError({ error, id }: { error: unknown; id?: string }) {
  if (error == null) return null;
  const described = typeof error === 'string' ? { message: error, details: null } : describeError(error);
  return (
    <div className="field-error" role="alert" id={id}>
      <p>{described.message}</p>
      <ErrorDetails details={described.details} />
    </div>
  );
}
