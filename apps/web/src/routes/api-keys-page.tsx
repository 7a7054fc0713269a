import type { ApiKeySummary, CreatedApiKey } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  updateApiKeyPolicy,
  updateApiKeyReasoningOutput,
} from '../api/api-keys.ts';
import { listModels } from '../api/list-models.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ApiKeysTable } from '../components/api-keys-table.tsx';
import { CallerPolicyDialog } from '../components/caller-policy-dialog.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { CreateApiKeyForm } from '../components/create-api-key-form.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { SecretKeyDialog } from '../components/secret-key-dialog.tsx';
import { useSession } from '../hooks/use-session.ts';

/** Lists, creates and revokes the signed-in user's API keys. */
export function ApiKeysPage() {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [createdKey, setCreatedKey] = useState<CreatedApiKey | null>(null);
  const [keyToRevoke, setKeyToRevoke] = useState<ApiKeySummary | null>(null);
  const [keyToRestrict, setKeyToRestrict] = useState<ApiKeySummary | null>(null);
  const keyListTitleRef = useRef<HTMLHeadingElement>(null);

  const keys = useQuery({ queryKey: queryKeys.apiKeys, queryFn: ({ signal }) => listApiKeys(signal) });
  // The models to pick from when limiting a key; only fetched once a key's policy is being edited.
  const models = useQuery({
    queryKey: queryKeys.models,
    queryFn: ({ signal }) => listModels(signal),
    enabled: keyToRestrict != null,
  });

  const create = useMutation({
    mutationFn: createApiKey,
    onSuccess: (created) => {
      setCreatedKey(created);
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys });
      void queryClient.invalidateQueries({ queryKey: queryKeys.gettingStarted });
    },
  });

  const revoke = useMutation({
    mutationFn: revokeApiKey,
    onSuccess: (_answer, { id }) => {
      // Remove the row at once; the refetch then confirms against the server.
      queryClient.setQueryData<ApiKeySummary[]>(queryKeys.apiKeys, (current) =>
        current?.filter((key) => key.id !== id),
      );
      setKeyToRevoke(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.gettingStarted });
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys });
    },
  });

  const changeReasoning = useMutation({
    mutationFn: updateApiKeyReasoningOutput,
    onSuccess: (updated) => {
      queryClient.setQueryData<ApiKeySummary[]>(queryKeys.apiKeys, (current) =>
        current?.map((key) => (key.id === updated.id ? updated : key)),
      );
    },
  });

  const changePolicy = useMutation({
    mutationFn: updateApiKeyPolicy,
    onSuccess: (updated) => {
      queryClient.setQueryData<ApiKeySummary[]>(queryKeys.apiKeys, (current) =>
        current?.map((key) => (key.id === updated.id ? updated : key)),
      );
      setKeyToRestrict(null);
    },
  });

  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">API keys</h1>
        <p className="page-description">
          Apps and scripts use an API key to call the gateway as you. Give each app its own key, so you can revoke one
          without touching the others.
        </p>
      </header>

      <section className="card" aria-labelledby="create-key-title">
        <h2 id="create-key-title" className="card-title">
          Create a key
        </h2>
        <CreateApiKeyForm
          isPending={create.isPending}
          error={create.error}
          onCreate={(request) => create.mutateAsync({ request, csrfToken })}
        />
      </section>

      <section className="card card-flush" aria-labelledby="key-list-title" aria-busy={keys.isFetching}>
        <div className="card-header">
          <h2 id="key-list-title" className="card-title" ref={keyListTitleRef} tabIndex={-1}>
            Your keys
          </h2>
          {keys.data == null ? null : (
            <span className="count-badge">
              {keys.data.length} {keys.data.length === 1 ? 'key' : 'keys'}
            </span>
          )}
        </div>
        {keys.isPending ? <LoadingState label="Loading keys…" /> : null}
        {keys.isError ? (
          <div className="card-padding">
            <ErrorBanner
              title="Could not load your keys"
              action={
                <button type="button" className="button button-secondary button-small" onClick={() => keys.refetch()}>
                  Try again
                </button>
              }
              error={keys.error}
            />
          </div>
        ) : null}
        {keys.data?.length === 0 ? (
          <div className="empty-state">
            <p className="empty-state-title">No API keys yet</p>
            <p className="muted">Create one above to let an app or script use your gateway.</p>
          </div>
        ) : null}
        {keys.data != null && keys.data.length > 0 ? (
          <ApiKeysTable
            keys={keys.data}
            onRevoke={setKeyToRevoke}
            onChangeReasoningOutput={(key, reasoningOutput) =>
              changeReasoning.mutate({ id: key.id, reasoningOutput, csrfToken })
            }
            onEditPolicy={(key) => {
              changePolicy.reset();
              setKeyToRestrict(key);
            }}
          />
        ) : null}
        {changeReasoning.error == null ? null : (
          <div className="card-padding">
            <ErrorBanner title="Could not change the key" error={changeReasoning.error} />
          </div>
        )}
      </section>

      <SecretKeyDialog createdKey={createdKey} onDone={() => setCreatedKey(null)} />

      <CallerPolicyDialog
        subject={keyToRestrict}
        models={models.data ?? []}
        isPending={changePolicy.isPending}
        error={changePolicy.error}
        onSave={(policy) => {
          if (keyToRestrict != null) changePolicy.mutate({ id: keyToRestrict.id, policy, csrfToken });
        }}
        onCancel={() => setKeyToRestrict(null)}
      />

      <ConfirmDialog
        isOpen={keyToRevoke != null}
        title="Revoke this API key?"
        confirmLabel="Revoke"
        pendingLabel="Revoking…"
        isPending={revoke.isPending}
        fallbackFocusRef={keyListTitleRef}
        error={revoke.error}
        onConfirm={() => {
          if (keyToRevoke != null) revoke.mutate({ id: keyToRevoke.id, csrfToken });
        }}
        onCancel={() => {
          setKeyToRevoke(null);
          revoke.reset();
        }}
      >
        <p>
          Apps using <strong>{keyToRevoke?.name}</strong> (<code>{keyToRevoke?.prefix}…</code>) will be refused from
          their next request. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
