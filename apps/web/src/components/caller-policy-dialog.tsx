import type { CallerPolicy, ModelEntry } from '@pag/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import {
  type CallerPolicyDraft,
  type CallerPolicyDraftErrors,
  fromCallerPolicyDraft,
  toCallerPolicyDraft,
} from '../lib/caller-policy-draft.ts';
import { CallerPolicyFields } from './caller-policy-fields.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { ModalDialog } from './modal-dialog.tsx';

export type CallerPolicyDialogProps = {
  /** The API key or connected app being edited, by the name the user knows it by; null keeps the dialog closed. */
  subject: { name: string; policy: CallerPolicy } | null;
  models: readonly ModelEntry[];
  isPending: boolean;
  /** The last failure to save, described in plain words. */
  error: unknown;
  onSave: (policy: CallerPolicy) => void;
  onCancel: () => void;
};

/** Edits what one API key or connected app may do: its models, "subscription only", the web pages that may use it. */
export function CallerPolicyDialog({ subject, models, isPending, error, onSave, onCancel }: CallerPolicyDialogProps) {
  const [draft, setDraft] = useState<CallerPolicyDraft | null>(null);
  const [errors, setErrors] = useState<CallerPolicyDraftErrors | null>(null);
  // A newly opened key or app starts from its saved policy.
  useEffect(() => {
    setDraft(subject == null ? null : toCallerPolicyDraft(subject.policy));
    setErrors(null);
  }, [subject]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft == null) return;
    const result = fromCallerPolicyDraft(draft);
    setErrors(result.errors);
    if (result.policy != null) onSave(result.policy);
  };

  return (
    <ModalDialog
      isOpen={subject != null}
      title={`What ${subject?.name ?? 'this key'} may do`}
      onClose={onCancel}
      isDismissBlocked={isPending}
    >
      <form className="form" noValidate onSubmit={submit}>
        {draft == null ? null : (
          <CallerPolicyFields value={draft} onChange={setDraft} models={models} errors={errors} disabled={isPending} />
        )}
        {error == null ? null : <ErrorBanner title="Could not save" error={error} />}
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onCancel} disabled={isPending}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={isPending}>
            {isPending ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
