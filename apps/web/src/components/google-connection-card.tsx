import type { GoogleStatus } from '@pag/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { deleteGoogleClient, disconnectGoogle, saveGoogleClient, startGoogleSignIn } from '../api/google-connection.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useSession } from '../hooks/use-session.ts';
import { formatDate } from '../lib/format-date.ts';
import { ConfirmMutationDialog } from './confirm-mutation-dialog.tsx';
import { CopyButton } from './copy-button.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { FieldError } from './field-error.tsx';
import { TextField } from './text-field.tsx';

/**
 * Gemini through a Google account, with the user's OWN OAuth client (Google does not allow borrowing another app's):
 * setup help with the exact redirect URI to register, client id and secret, then "Connect Google", which leaves for
 * Google's consent page and comes back here.
 */
export function GoogleConnectionCard({ status }: { status: GoogleStatus }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const redirectRef = useRef<HTMLTextAreaElement>(null);
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [isEditing, setIsEditing] = useState(false);
  const [isConfirmingRemove, setIsConfirmingRemove] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.google });
    void queryClient.invalidateQueries({ queryKey: queryKeys.models });
    void queryClient.invalidateQueries({ queryKey: queryKeys.gettingStarted });
  };

  const save = useMutation({
    mutationFn: () => saveGoogleClient({ clientId: clientId.trim(), clientSecret: clientSecret.trim(), csrfToken }),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.google, saved);
      setIsEditing(false);
      setClientSecret('');
    },
  });
  const connect = useMutation({
    mutationFn: () => startGoogleSignIn({ csrfToken }),
    // Leave for Google; the callback brings the browser back to this page with the outcome.
    onSuccess: ({ authorizeUrl }) => window.location.assign(authorizeUrl),
  });
  const disconnect = useMutation({ mutationFn: () => disconnectGoogle({ csrfToken }), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: () => deleteGoogleClient({ csrfToken }),
    onSuccess: () => {
      setIsConfirmingRemove(false);
      refresh();
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (clientId.trim() !== '' && clientSecret.trim() !== '') save.mutate();
  }

  const { client, connection } = status;
  const pill =
    connection == null ? (
      <span className="status-pill">{client == null ? 'Not set up' : 'Not connected'}</span>
    ) : connection.state === 'connected' ? (
      <span className="status-pill status-pill-ok">Connected</span>
    ) : (
      <span className="status-pill status-pill-warning">Signed out</span>
    );
  return (
    <section className="card" aria-labelledby="google-title">
      <div className="connection-heading">
        <h3 id="google-title" className="card-title">
          Google account for Gemini
        </h3>
        {pill}
      </div>
      <p className="muted">
        A Gemini API key (under Provider keys, above) is simpler. To use your Google account instead, create an OAuth
        client of type “Web application” in Google Cloud (APIs & Services → Credentials), enable the Generative Language
        API, and register this redirect URI exactly:
      </p>
      <div className="device-code">
        <textarea
          ref={redirectRef}
          className="input input-mono wrapped-value"
          readOnly
          rows={1}
          value={status.redirectUri}
          aria-label="Redirect URI"
        />
        <CopyButton value={status.redirectUri} sourceRef={redirectRef} subject="redirect URI" />
      </div>
      {connection?.state === 'reconnect_required' ? (
        <div className="callout callout-warning" role="status">
          {connection.stateMessage}
        </div>
      ) : null}
      {connection != null ? (
        <dl className="details">
          <div>
            <dt>Account</dt>
            <dd>{connection.email ?? 'unknown'}</dd>
          </div>
          <div>
            <dt>Connected</dt>
            <dd>{formatDate(connection.connectedAt)}</dd>
          </div>
        </dl>
      ) : null}
      {client != null && !isEditing ? (
        <dl className="details">
          <div>
            <dt>Client id</dt>
            <dd>
              <code>{client.clientId}</code>
            </dd>
          </div>
          <div>
            <dt>Client secret</dt>
            <dd>
              <code>••••{client.secretHint}</code>
            </dd>
          </div>
        </dl>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate>
          <TextField
            label="Client id"
            value={clientId}
            onChange={(event) => setClientId(event.target.value)}
            autoComplete="off"
          />
          <TextField
            label="Client secret"
            type="password"
            value={clientSecret}
            onChange={(event) => setClientSecret(event.target.value)}
            autoComplete="off"
          />
          <FieldError error={save.error} />
          <div className="button-row">
            <button
              type="submit"
              className="button button-primary"
              disabled={save.isPending || clientId.trim() === '' || clientSecret.trim() === ''}
            >
              {save.isPending ? 'Saving…' : 'Save client'}
            </button>
            {client != null ? (
              <button type="button" className="button button-secondary" onClick={() => setIsEditing(false)}>
                Cancel
              </button>
            ) : null}
          </div>
        </form>
      )}
      {connect.error == null ? null : <ErrorBanner title="Could not start the Google sign-in" error={connect.error} />}
      {disconnect.error == null ? null : <ErrorBanner title="Could not disconnect" error={disconnect.error} />}
      {client != null && !isEditing ? (
        <div className="button-row">
          {connection == null || connection.state === 'reconnect_required' ? (
            <button
              type="button"
              className="button button-primary"
              disabled={connect.isPending}
              onClick={() => connect.mutate()}
            >
              {connect.isPending ? 'Opening Google…' : 'Connect Google account'}
            </button>
          ) : (
            <button
              type="button"
              className="button button-danger-quiet"
              disabled={disconnect.isPending}
              onClick={() => disconnect.mutate()}
            >
              Disconnect account
            </button>
          )}
          <button type="button" className="button button-secondary" onClick={() => setIsEditing(true)}>
            Change client
          </button>
          <button type="button" className="button button-danger-quiet" onClick={() => setIsConfirmingRemove(true)}>
            Remove client
          </button>
        </div>
      ) : null}
      <ConfirmMutationDialog
        isOpen={isConfirmingRemove}
        title="Remove the Google OAuth client?"
        confirmLabel="Remove"
        pendingLabel="Removing…"
        mutation={remove}
        onClose={() => setIsConfirmingRemove(false)}
      >
        <p>The Google account is disconnected too (its access is revoked at Google).</p>
      </ConfirmMutationDialog>
    </section>
  );
}
