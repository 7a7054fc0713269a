import type { CreatedApiKey } from '@pag/contracts';
import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { listModels } from '../api/list-models.ts';
import { queryKeys } from '../api/query-keys.ts';
import { buildKeySnippets, type KeySnippet } from '../lib/build-key-snippets.ts';
import { CopyButton } from './copy-button.tsx';
import { ModalDialog } from './modal-dialog.tsx';

export type SecretKeyDialogProps = {
  /** The key just created; `null` closes the dialog, and the secret leaves the page's memory with it. */
  createdKey: CreatedApiKey | null;
  onDone: () => void;
};

/**
 * Shows a new key's secret the one time the server sends it, and how to use it (issue 17): snippets for the note
 * API, the OpenAI SDK and curl, with the key and this gateway's address already in them.
 */
export function SecretKeyDialog({ createdKey, onDone }: SecretKeyDialogProps) {
  const secretInputRef = useRef<HTMLTextAreaElement>(null);

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
                {/* Wrapped, so the whole key is in view on a phone too (an input cut it off). */}
                <textarea
                  ref={secretInputRef}
                  id="new-api-key-secret"
                  className="input input-mono wrapped-value"
                  value={createdKey.secret}
                  readOnly
                  rows={2}
                  spellCheck={false}
                  autoComplete="off"
                  onFocus={(event) => event.currentTarget.select()}
                />
                <CopyButton value={createdKey.secret} sourceRef={secretInputRef} />
              </div>
            </div>
            <KeySnippets secret={createdKey.secret} />
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

/** The snippets as tabs (arrow keys move between them, as the WAI-ARIA tabs pattern asks). */
function KeySnippets({ secret }: { secret: string }) {
  const models = useQuery({ queryKey: queryKeys.models, queryFn: ({ signal }) => listModels(signal) });
  const snippets = buildKeySnippets({
    origin: window.location.origin,
    secret,
    model: models.data?.[0]?.id ?? null,
  });
  const [selected, setSelected] = useState<KeySnippet['id']>('note-api');
  const baseId = useId();
  const tabRefs = useRef<Partial<Record<KeySnippet['id'], HTMLButtonElement | null>>>({});
  const current = snippets.find((snippet) => snippet.id === selected) ?? snippets[0];

  function onKeyDown(event: KeyboardEvent) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = snippets.findIndex((snippet) => snippet.id === selected);
    const next = snippets[(index + step + snippets.length) % snippets.length];
    if (next == null) return;
    setSelected(next.id);
    tabRefs.current[next.id]?.focus();
  }

  return (
    <section className="snippets" aria-labelledby={`${baseId}-title`}>
      <h3 id={`${baseId}-title`} className="snippets-title">
        Use it
      </h3>
      <div className="snippet-tabs" role="tablist" aria-labelledby={`${baseId}-title`} onKeyDown={onKeyDown}>
        {snippets.map((snippet) => (
          <button
            key={snippet.id}
            ref={(element) => {
              tabRefs.current[snippet.id] = element;
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${snippet.id}`}
            aria-selected={snippet.id === selected}
            aria-controls={`${baseId}-panel`}
            tabIndex={snippet.id === selected ? 0 : -1}
            className="snippet-tab"
            onClick={() => setSelected(snippet.id)}
          >
            {snippet.label}
          </button>
        ))}
      </div>
      {current == null ? null : (
        <div
          id={`${baseId}-panel`}
          role="tabpanel"
          aria-labelledby={`${baseId}-tab-${current.id}`}
          className="snippet-panel"
        >
          <p className="field-hint">{current.intro}</p>
          <SnippetCode snippet={current} />
        </div>
      )}
    </section>
  );
}

function SnippetCode({ snippet }: { snippet: KeySnippet }) {
  const codeRef = useRef<HTMLElement>(null);
  return (
    <div className="snippet">
      <pre className="snippet-code">
        <code ref={codeRef}>{snippet.code}</code>
      </pre>
      <CopyButton value={snippet.code} sourceRef={codeRef} subject={`${snippet.label} snippet`} label="Copy snippet" />
    </div>
  );
}
