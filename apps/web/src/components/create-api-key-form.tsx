import { type CreateApiKeyRequest, createApiKeyRequestSchema } from '@pag/contracts';
import { useValidatedForm } from '../hooks/use-validated-form.ts';
import { ErrorBanner } from './error-banner.tsx';
import { TextField } from './text-field.tsx';

export type CreateApiKeyFormProps = {
  isPending: boolean;
  /** The last failure to create, described in plain words. */
  error: unknown;
  /** Resolves once the key exists; the form clears only then, so a failure keeps what was typed. */
  onCreate: (request: CreateApiKeyRequest) => Promise<unknown>;
};

const CREATE_KEY_FIELDS = ['name'] as const;

/** Names and creates a key; the secret itself is shown by the page's dialog. */
export function CreateApiKeyForm({ isPending, error, onCreate }: CreateApiKeyFormProps) {
  const form = useValidatedForm({
    fields: CREATE_KEY_FIELDS,
    initialValues: { name: '' },
    schema: createApiKeyRequestSchema,
    onValidSubmit: (request) => {
      onCreate(request).then(form.reset, () => undefined);
    },
  });

  return (
    <form className="form" noValidate onSubmit={form.handleSubmit}>
      {error == null ? null : <ErrorBanner title="Could not create the key" error={error} />}
      <div className="inline-form">
        <TextField
          label="Key name"
          name="name"
          value={form.values.name}
          onChange={(event) => form.update('name', event.target.value)}
          error={form.fieldErrors.name}
          placeholder="e.g. Laptop – Cursor"
          maxLength={100}
          autoComplete="off"
          hint="A label that tells you where the key is used."
          className="inline-form-field"
        />
        <button type="submit" className="button button-primary" disabled={isPending}>
          {isPending ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
