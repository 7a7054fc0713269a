import type { CreatedApiKey } from '@pag/contracts';
import { useRef } from 'react';
import { CopyButton } from './copy-button.tsx';
import { ModalDialog } from './modal-dialog.tsx';

export type SecretKeyDialogProps = {
  /** The key just created; `null` closes the dialog, and the secret leaves the page's memory with it. */
  createdKey: CreatedApiKey | null;
  onDone: () => void;
};

/** Shows a new key's secret the one time the server sends it. */
export function SecretKeyDialog({ createdKey, onDone }: SecretKeyDialogProps) {
  const secretInputRef = useRef<HTMLInputElement>(null);

  return (
    <ModalDialog
      isOpen={createdKey != null}
      title="Save your new API key"
      onClose={onDone}
      initialFocusRef={secretInputRef}
    >
      {createdKey == null ? null : (
        <>
          <div className="dialog-body">
            <p>
              Copy the key for <strong>{createdKey.key.name}</strong> now and store it somewhere safe, such as a
              password manager.
            </p>
            <p className="callout callout-warning">
              This is the only time the key is shown. You won&rsquo;t see it again: if you lose it, revoke it and create
              a new one.
            </p>
            <div className="field">
              <label className="field-label" htmlFor="new-api-key-secret">
                API key
              </label>
              <div className="input-group">
                <input
                  ref={secretInputRef}
                  id="new-api-key-secret"
                  className="input input-mono"
                  value={createdKey.secret}
                  readOnly
                  spellCheck={false}
                  autoComplete="off"
                  onFocus={(event) => event.currentTarget.select()}
                />
                <CopyButton value={createdKey.secret} sourceRef={secretInputRef} />
              </div>
            </div>
            <p className="field-hint">
              Clients send it in the <code>Authorization: Bearer &lt;key&gt;</code> header.
            </p>
          </div>
          <div className="dialog-actions">
            <button type="button" className="button button-primary" onClick={onDone}>
              Done
            </button>
          </div>
        </>
      )}
    </ModalDialog>
  );
}
