import { resetUserPasswordRequestSchema, type User } from '@pag/contracts';
import { useRef } from 'react';
import { useValidatedForm } from '../hooks/use-validated-form.ts';
import { ErrorBanner } from './error-banner.tsx';
import { ModalDialog } from './modal-dialog.tsx';
import { TextField } from './text-field.tsx';

export type ResetPasswordDialogProps = {
  user: User | null;
  isPending: boolean;
  /** The last failure to reset, described in plain words. */
  error: unknown;
  onReset: (password: string) => void;
  onCancel: () => void;
};

const RESET_FIELDS = ['password'] as const;

/** Sets a new password for another user; their sessions end, so they sign in again with it. */
export function ResetPasswordDialog({ user, isPending, error, onReset, onCancel }: ResetPasswordDialogProps) {
  const passwordRef = useRef<HTMLInputElement>(null);
  const form = useValidatedForm({
    fields: RESET_FIELDS,
    initialValues: { password: '' },
    schema: resetUserPasswordRequestSchema,
    onValidSubmit: ({ password }) => onReset(password),
  });
  const close = () => {
    form.reset();
    onCancel();
  };

  return (
    <ModalDialog
      isOpen={user != null}
      title="Reset password"
      onClose={close}
      initialFocusRef={passwordRef}
      isDismissBlocked={isPending}
    >
      <form className="form" noValidate onSubmit={form.handleSubmit}>
        <p className="dialog-body">
          Set a new password for <strong>{user?.email}</strong>. They are signed out everywhere and sign in again with
          it; their API keys keep working.
        </p>
        <TextField
          ref={passwordRef}
          label="New password"
          type="password"
          {...form.field('password')}
          autoComplete="new-password"
        />
        {error == null ? null : <ErrorBanner error={error} />}
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={close} disabled={isPending}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={isPending}>
            {isPending ? 'Saving…' : 'Set password'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
