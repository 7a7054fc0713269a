import type { ApiKeySummary, CallerPolicy, ModelEntry } from '@pag/contracts';
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

export type ApiKeyPolicyDialogProps = {
  /** The key being edited; null keeps the dialog closed. */
  apiKey: ApiKeySummary | null;
  models: readonly ModelEntry[];
  isPending: boolean;
  /** The last failure to save, described in plain words. */
  error: unknown;
  onSave: (policy: CallerPolicy) => void;
  onCancel: () => void;
};

/** Edits what one API key may do: its models, "subscription only", and the web pages that may use it. */
export function ApiKeyPolicyDialog({ apiKey, models, isPending, error, onSave, onCancel }: ApiKeyPolicyDialogProps) {
  const [draft, setDraft] = useState<CallerPolicyDraft | null>(null);
  const [errors, setErrors] = useState<CallerPolicyDraftErrors | null>(null);
  // A newly opened key starts from its saved policy.
  useEffect(() => {
    setDraft(apiKey == null ? null : toCallerPolicyDraft(apiKey.policy));
    setErrors(null);
  }, [apiKey]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft == null) return;
    const result = fromCallerPolicyDraft(draft);
    setErrors(result.errors);
    if (result.policy != null) onSave(result.policy);
  };

  return (
    <ModalDialog
      isOpen={apiKey != null}
      title={`What ${apiKey?.name ?? 'this key'} may do`}
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
