import { type CreateUserRequest, createUserRequestSchema } from '@pag/contracts';
import { useState } from 'react';
import { useValidatedForm } from '../hooks/use-validated-form.ts';
import { ErrorBanner } from './error-banner.tsx';
import { TextField } from './text-field.tsx';

export type CreateUserFormProps = {
  isPending: boolean;
  /** The last failure to create, described in plain words. */
  error: unknown;
  /** Resolves once the user exists; the form clears only then, so a failure keeps what was typed. */
  onCreate: (request: CreateUserRequest) => Promise<unknown>;
};

const CREATE_USER_FIELDS = ['email', 'password'] as const;
const credentialsSchema = createUserRequestSchema.pick({ email: true, password: true });

/** Email, initial password and role of a new user; the admin tells them the password out of band. */
export function CreateUserForm({ isPending, error, onCreate }: CreateUserFormProps) {
  const [isAdmin, setIsAdmin] = useState(false);
  const form = useValidatedForm({
    fields: CREATE_USER_FIELDS,
    initialValues: { email: '', password: '' },
    schema: credentialsSchema,
    onValidSubmit: (credentials) => {
      onCreate({ ...credentials, isAdmin }).then(
        () => {
          form.reset();
          setIsAdmin(false);
        },
        () => undefined,
      );
    },
  });

  return (
    <form className="form" noValidate onSubmit={form.handleSubmit}>
      {error == null ? null : <ErrorBanner title="Could not create the user" error={error} />}
      <TextField label="Email" type="email" {...form.field('email')} autoComplete="off" />
      <TextField
        label="Initial password"
        type="password"
        {...form.field('password')}
        autoComplete="new-password"
        hint="At least 12 characters. Tell it to the user privately; they sign in with it."
      />
      <label className="toggle">
        <input type="checkbox" checked={isAdmin} onChange={(event) => setIsAdmin(event.target.checked)} />
        <span>Administrator (can manage users and operator settings)</span>
      </label>
      <div>
        <button type="submit" className="button button-primary" disabled={isPending}>
          {isPending ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}
