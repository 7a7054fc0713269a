import type { ApiCredential, GoogleStatus, UserSettings } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { listConnections } from '../api/connections.ts';
import { getGettingStarted } from '../api/getting-started.ts';
import { getGoogleStatus } from '../api/google-connection.ts';
import { getUserSettings, listProviderCredentials, updateUserSettings } from '../api/provider-credentials.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ChatgptConnectionCard } from '../components/chatgpt-connection-card.tsx';
import { CustomPricesCard } from '../components/custom-prices-card.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { GoogleConnectionCard } from '../components/google-connection-card.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { ProviderKeyCard } from '../components/provider-key-card.tsx';
import { useSession } from '../hooks/use-session.ts';

/**
 * Everything that answers the user's requests, in three groups (issue 17): the subscription, API keys for other
 * providers, and the advanced choices (fallback, a Google account instead of a Gemini key), with the next step once
 * something is connected.
 */
export function ConnectionsPage() {
  const connections = useQuery({ queryKey: queryKeys.connections, queryFn: ({ signal }) => listConnections(signal) });
  const credentials = useQuery({
    queryKey: queryKeys.providerCredentials,
    queryFn: ({ signal }) => listProviderCredentials(signal),
  });
  const google = useQuery({ queryKey: queryKeys.google, queryFn: ({ signal }) => getGoogleStatus(signal) });
  const isLoading = connections.isPending || credentials.isPending || google.isPending;
  const error = connections.error ?? credentials.error ?? google.error;
  const outcome = useGoogleOutcome();
  const chatgpt = connections.data?.find((connection) => connection.provider === 'chatgpt') ?? null;
  const savedKey = (provider: 'openai' | 'gemini' | 'anthropic') =>
    credentials.data?.find((credential) => credential.provider === provider) ?? null;
  const isGoogleInUse = google.data != null && (google.data.client != null || google.data.connection != null);

  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Connections</h1>
        <p className="page-description">
          Where your requests are answered: your ChatGPT subscription first, and API keys for other providers.
        </p>
      </header>
      {outcome?.kind === 'connected' ? (
        <div className="banner banner-success" role="status">
          <div className="banner-body">
            <p>Your Google account is connected: Gemini models now answer through it.</p>
          </div>
        </div>
      ) : null}
      {outcome?.kind === 'error' ? (
        <ErrorBanner title="Google sign-in failed" details={outcome.details}>
          {outcome.message}
        </ErrorBanner>
      ) : null}
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
                void google.refetch();
              }}
            >
              Try again
            </button>
          }
          error={error}
        />
      )}
      {isLoading || error != null ? null : (
        <>
          <NextStep />
          <section className="connection-group" aria-labelledby="group-subscription">
            <h2 id="group-subscription" className="group-title">
              Subscription
            </h2>
            <ChatgptConnectionCard connection={chatgpt} />
          </section>
          <section className="connection-group" aria-labelledby="group-provider-keys">
            <h2 id="group-provider-keys" className="group-title">
              Provider keys
            </h2>
            <p className="group-description muted">
              Your own API keys, for those providers’ models, and to take over when the subscription is limited.
            </p>
            <ProviderKeyCard provider="openai" saved={savedKey('openai')} />
            {savedKey('openai') == null ? null : <CustomPricesCard />}
            <ProviderKeyCard provider="gemini" saved={savedKey('gemini')} />
            <ProviderKeyCard provider="anthropic" saved={savedKey('anthropic')} />
          </section>
          <section className="connection-group" aria-labelledby="group-advanced">
            <h2 id="group-advanced" className="group-title">
              Advanced
            </h2>
            <FallbackSetting credentials={credentials.data ?? []} google={google.data ?? null} />
            {google.data == null ? null : (
              <GoogleFold status={google.data} isInitiallyOpen={isGoogleInUse || outcome != null} />
            )}
          </section>
        </>
      )}
    </div>
  );
}

/**
 * The Google account behind "Use a Google account instead" (issue 17: it took a third of the page for what most
 * people do with a key). Open at first when it is in use or Google just sent the user back; then the user's.
 */
function GoogleFold({ status, isInitiallyOpen }: { status: GoogleStatus; isInitiallyOpen: boolean }) {
  const [isOpen] = useState(isInitiallyOpen);
  return (
    <details className="fold" open={isOpen}>
      <summary className="fold-summary">Use a Google account instead of a Gemini API key</summary>
      <GoogleConnectionCard status={status} />
    </details>
  );
}

/** Once something answers, what to do next: a key for an app, then a first answer in the Playground. */
function NextStep() {
  const progress = useQuery({
    queryKey: queryKeys.gettingStarted,
    queryFn: ({ signal }) => getGettingStarted(signal),
  });
  const state = progress.data;
  if (state == null || !state.hasProvider) return null;
  if (!state.hasApiKey) {
    return (
      <p className="callout callout-next" role="status">
        <strong>Connected.</strong> Next, <Link href="/api-keys">create an API key</Link> for your app — or{' '}
        <Link href="/playground">try it in the Playground</Link> first.
      </p>
    );
  }
  if (!state.hasTriedPlayground) {
    return (
      <p className="callout callout-next" role="status">
        <strong>Connected.</strong> Next, <Link href="/playground">try it in the Playground</Link>.
      </p>
    );
  }
  return null;
}

/**
 * The outcome Google's callback left in the address (`?connected=google` or `?google_error=…`, with
 * `google_error_details`), read once; the query is then removed so a reload does not show it again.
 */
function useGoogleOutcome(): { kind: 'connected' } | { kind: 'error'; message: string; details: string | null } | null {
  const [outcome] = useState(() => {
    const params = new URLSearchParams(window.location.search);
    if (params.get('connected') === 'google') return { kind: 'connected' as const };
    const message = params.get('google_error');
    return message == null ? null : { kind: 'error' as const, message, details: params.get('google_error_details') };
  });
  useEffect(() => {
    if (outcome != null) window.history.replaceState(null, '', window.location.pathname);
  }, [outcome]);
  return outcome;
}

/**
 * "Use API keys when my subscription is limited" (off by default, as the subscription should serve first), and
 * which API-key providers may take over: only those with a key (or, for Gemini, a Google account) can, so the
 * others are shown unticked and unavailable, with what to add.
 */
function FallbackSetting({ credentials, google }: { credentials: ApiCredential[]; google: GoogleStatus | null }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const settings = useQuery({ queryKey: queryKeys.userSettings, queryFn: ({ signal }) => getUserSettings(signal) });
  // The user's latest choice, shown at once (a checkbox that does not move when clicked looks broken) and kept
  // until the server confirms it; a failed save puts the saved value back.
  const [draft, setDraft] = useState<Partial<UserSettings>>({});
  const update = useMutation({
    mutationFn: (changes: Partial<UserSettings>) => updateUserSettings({ changes, csrfToken }),
    onSuccess: (saved) => queryClient.setQueryData(queryKeys.userSettings, saved),
    onError: () => setDraft({}),
  });
  const change = (changes: Partial<UserSettings>) => {
    setDraft((current) => ({ ...current, ...changes }));
    update.mutate(changes);
  };
  const current = { ...settings.data, ...draft };
  const isOn = current.fallbackToApiKeys ?? false;
  const allowed = current.fallbackProviders ?? [];
  const isBusy = settings.isPending;
  const hasProvider = (provider: FallbackProvider) =>
    credentials.some((credential) => credential.provider === provider) ||
    (provider === 'gemini' && google?.connection?.state === 'connected');
  const toggleProvider = (provider: FallbackProvider, isAllowed: boolean) => {
    const next = FALLBACK_PROVIDERS.filter((candidate) =>
      candidate === provider ? isAllowed : allowed.includes(candidate),
    );
    change({ fallbackProviders: next });
  };
  return (
    <section className="card" aria-labelledby="fallback-title">
      <h3 id="fallback-title" className="card-title">
        When the subscription is limited
      </h3>
      <label className="toggle">
        <input
          type="checkbox"
          checked={isOn}
          disabled={isBusy}
          onChange={(event) => change({ fallbackToApiKeys: event.target.checked })}
        />
        <span>Use my API keys when my subscription is limited</span>
      </label>
      <p className="field-hint">
        When ChatGPT reports a usage limit (or needs you to sign in again), requests go to your API keys instead — only
        before any answer has started, never halfway through one.
      </p>
      <fieldset className="fallback-providers" disabled={!isOn || isBusy}>
        <legend className="field-label">Providers that may take over</legend>
        {FALLBACK_PROVIDERS.map((provider) => {
          const isReady = hasProvider(provider);
          return (
            <label key={provider} className="toggle">
              <input
                type="checkbox"
                checked={isReady && allowed.includes(provider)}
                disabled={!isReady}
                onChange={(event) => toggleProvider(provider, event.target.checked)}
              />
              <span>
                {FALLBACK_PROVIDER_LABELS[provider]}
                {isReady ? null : <span className="muted"> — add its key under Provider keys first</span>}
              </span>
            </label>
          );
        })}
      </fieldset>
      {update.error == null ? null : <ErrorBanner title="Could not save" error={update.error} />}
    </section>
  );
}

type FallbackProvider = UserSettings['fallbackProviders'][number];
const FALLBACK_PROVIDERS: readonly FallbackProvider[] = ['openai', 'gemini', 'anthropic'];
const FALLBACK_PROVIDER_LABELS: Record<FallbackProvider, string> = {
  openai: 'OpenAI-compatible key',
  gemini: 'Gemini (key or Google account)',
  anthropic: 'Anthropic key',
};
