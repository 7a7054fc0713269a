import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listConnections } from '../api/connections.ts';
import { getUserSettings, listProviderCredentials, updateUserSettings } from '../api/provider-credentials.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ChatgptConnectionCard } from '../components/chatgpt-connection-card.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { ProviderKeyCard } from '../components/provider-key-card.tsx';
import { useSession } from '../hooks/use-session.ts';

/** Everything that answers the user's requests: the subscription, API keys for other providers, and fallback. */
export function ConnectionsPage() {
  const connections = useQuery({ queryKey: queryKeys.connections, queryFn: ({ signal }) => listConnections(signal) });
  const credentials = useQuery({
    queryKey: queryKeys.providerCredentials,
    queryFn: ({ signal }) => listProviderCredentials(signal),
  });
  const isLoading = connections.isPending || credentials.isPending;
  const error = connections.error ?? credentials.error;
  const chatgpt = connections.data?.find((connection) => connection.provider === 'chatgpt') ?? null;
  const savedKey = (provider: 'openai' | 'gemini') =>
    credentials.data?.find((credential) => credential.provider === provider) ?? null;

  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Connections</h1>
        <p className="page-description">
          Where your requests are answered: your ChatGPT subscription first, and API keys for other providers.
        </p>
      </header>
      {isLoading ? <LoadingState label="Loading connections…" /> : null}
      {error == null ? null : (
        <ErrorBanner
          title="Could not load your connections"
          action={
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => {
                void connections.refetch();
                void credentials.refetch();
              }}
            >
              Try again
            </button>
          }
        >
          {error.message}
        </ErrorBanner>
      )}
      {isLoading || error != null ? null : (
        <>
          <ChatgptConnectionCard connection={chatgpt} />
          <FallbackSetting />
          <ProviderKeyCard provider="openai" saved={savedKey('openai')} />
          <ProviderKeyCard provider="gemini" saved={savedKey('gemini')} />
        </>
      )}
    </div>
  );
}

/** "Use API keys when my subscription is limited" (off by default, as the subscription should serve first). */
function FallbackSetting() {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const settings = useQuery({ queryKey: queryKeys.userSettings, queryFn: ({ signal }) => getUserSettings(signal) });
  const update = useMutation({
    mutationFn: (fallbackToApiKeys: boolean) => updateUserSettings({ changes: { fallbackToApiKeys }, csrfToken }),
    onSuccess: (saved) => queryClient.setQueryData(queryKeys.userSettings, saved),
  });
  const isOn = update.isPending ? update.variables : (settings.data?.fallbackToApiKeys ?? false);
  return (
    <section className="card" aria-labelledby="fallback-title">
      <h2 id="fallback-title" className="card-title">
        When the subscription is limited
      </h2>
      <label className="toggle">
        <input
          type="checkbox"
          checked={isOn}
          disabled={settings.isPending || update.isPending}
          onChange={(event) => update.mutate(event.target.checked)}
        />
        <span>Use my API keys when my subscription is limited</span>
      </label>
      <p className="field-hint">
        When ChatGPT reports a usage limit (or needs you to sign in again), requests go to your OpenAI-compatible or
        Gemini key instead — only before any answer has started, never halfway through one.
      </p>
      {update.error == null ? null : <ErrorBanner title="Could not save">{update.error.message}</ErrorBanner>}
    </section>
  );
}
