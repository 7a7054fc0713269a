import type { ApiCredential } from '@pag/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import {
  deleteProviderCredential,
  saveProviderCredential,
  type UpstreamProvider,
} from '../api/provider-credentials.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useSession } from '../hooks/use-session.ts';
import { formatDate } from '../lib/format-date.ts';
import { ConfirmMutationDialog } from './confirm-mutation-dialog.tsx';
import { FieldError } from './field-error.tsx';
import { TextField } from './text-field.tsx';

const COPY: Record<UpstreamProvider, { title: string; description: string; keyLabel: string }> = {
  openai: {
    title: 'OpenAI-compatible API key',
    description: 'OpenAI, OpenRouter, Ollama, LM Studio or any server that speaks the OpenAI API.',
    keyLabel: 'API key',
  },
  gemini: {
    title: 'Gemini API key',
    description: 'A key from Google AI Studio, sent to the Gemini API as x-goog-api-key.',
    keyLabel: 'Gemini API key',
  },
  anthropic: {
    title: 'Anthropic API key',
    description:
      'A key from the Claude Console, for Claude models (anthropic/…), sent to the Anthropic API as x-api-key.',
    keyLabel: 'Anthropic API key',
  },
};

/**
 * Adds, replaces or removes the user's key for one upstream. The gateway checks the key upstream before saving,
 * so a wrong key or base URL is reported here, next to the field, and nothing is stored.
 */
export function ProviderKeyCard({ provider, saved }: { provider: UpstreamProvider; saved: ApiCredential | null }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [isEditing, setIsEditing] = useState(false);
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [isConfirmingRemove, setIsConfirmingRemove] = useState(false);
  const copy = COPY[provider];
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.providerCredentials });
    // The model list depends on the keys, and a saved key ticks "connect a provider".
    void queryClient.invalidateQueries({ queryKey: queryKeys.models });
    void queryClient.invalidateQueries({ queryKey: queryKeys.gettingStarted });
  };

  const save = useMutation({
    mutationFn: () => saveProviderCredential({ provider, apiKey: apiKey.trim(), baseUrl: baseUrl.trim(), csrfToken }),
    onSuccess: () => {
      setIsEditing(false);
      setApiKey('');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteProviderCredential({ provider, csrfToken }),
    onSuccess: () => {
      setIsConfirmingRemove(false);
      refresh();
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (apiKey.trim() === '') return;
    save.mutate();
  }

  // A card without a key stays one line tall until asked: the page is a list of choices, not a stack of forms.
  const isFormShown = isEditing;
  return (
    <section className="card" aria-labelledby={`${provider}-key-title`}>
      <div className="connection-heading">
        <h3 id={`${provider}-key-title`} className="card-title">
          {copy.title}
        </h3>
        <span className={saved == null ? 'status-pill' : 'status-pill status-pill-ok'}>
          {saved == null ? 'Not set' : 'Saved'}
        </span>
      </div>
      <p className="muted">{copy.description}</p>
      {saved == null ? null : (
        <dl className="details">
          <div>
            <dt>Key</dt>
            <dd>
              <code>••••{saved.keyHint}</code>
            </dd>
          </div>
          {saved.baseUrl == null ? null : (
            <div>
              <dt>Base URL</dt>
              <dd>
                <code>{saved.baseUrl}</code>
              </dd>
            </div>
          )}
          <div>
            <dt>Checked</dt>
            <dd>{saved.lastValidatedAt == null ? 'never' : formatDate(saved.lastValidatedAt)}</dd>
          </div>
        </dl>
      )}
      {isFormShown ? (
        <form className="form" onSubmit={onSubmit} noValidate>
          <TextField
            label={copy.keyLabel}
            type="password"
            autoComplete="off"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
            required
          />
          {provider === 'openai' ? (
            <TextField
              label="Base URL"
              type="url"
              placeholder="https://api.openai.com/v1"
              value={baseUrl}
              onChange={(event) => setBaseUrl(event.target.value)}
              hint="Leave empty for OpenAI. For Ollama: http://127.0.0.1:11434/v1"
            />
          ) : null}
          <FieldError error={save.error} />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={save.isPending || apiKey.trim() === ''}>
              {save.isPending ? 'Checking the key…' : saved == null ? 'Check and save' : 'Check and replace'}
            </button>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                setIsEditing(false);
                save.reset();
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : saved == null ? (
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={() => setIsEditing(true)}>
            Add a key
          </button>
        </div>
      ) : (
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={() => setIsEditing(true)}>
            Replace key
          </button>
          <button type="button" className="button button-danger-quiet" onClick={() => setIsConfirmingRemove(true)}>
            Remove
          </button>
        </div>
      )}
      <ConfirmMutationDialog
        isOpen={isConfirmingRemove}
        title={`Remove the ${copy.title}?`}
        confirmLabel="Remove"
        pendingLabel="Removing…"
        mutation={remove}
        onClose={() => setIsConfirmingRemove(false)}
      >
        <p>Requests for its models will fail until you add a key again.</p>
      </ConfirmMutationDialog>
    </section>
  );
}
