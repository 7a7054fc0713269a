import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { getOperatorSettings, updateOperatorSettings } from '../api/admin.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { useSession } from '../hooks/use-session.ts';

/** Admins only: settings of the whole gateway. */
export function OperatorPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Operator</h1>
        <p className="page-description">Settings of the whole gateway, for every user. Only admins see this page.</p>
      </header>
      <PrivateUpstreamsSetting />
    </div>
  );
}

/** "Allow private upstream addresses": what users' OpenAI-compatible base URLs may point at. */
function PrivateUpstreamsSetting() {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const settings = useQuery({
    queryKey: queryKeys.operatorSettings,
    queryFn: ({ signal }) => getOperatorSettings(signal),
  });
  // Shown at once when clicked and kept until the server confirms; a failed save puts the saved value back.
  const [draft, setDraft] = useState<boolean | null>(null);
  const update = useMutation({
    mutationFn: (allowPrivateUpstreams: boolean) =>
      updateOperatorSettings({ changes: { allowPrivateUpstreams }, csrfToken }),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.operatorSettings, saved);
      setDraft(null);
    },
    onError: () => setDraft(null),
  });
  const isOn = draft ?? settings.data?.allowPrivateUpstreams ?? false;

  return (
    <section className="card" aria-labelledby="private-upstreams-title" aria-busy={update.isPending}>
      <h2 id="private-upstreams-title" className="card-title">
        Upstream addresses
      </h2>
      {settings.isPending ? <LoadingState label="Loading settings…" /> : null}
      {settings.isError ? <ErrorBanner title="Could not load the settings" error={settings.error} /> : null}
      <label className="toggle">
        <input
          type="checkbox"
          checked={isOn}
          disabled={settings.data == null}
          aria-describedby="private-upstreams-hint"
          onChange={(event) => {
            setDraft(event.target.checked);
            update.mutate(event.target.checked);
          }}
        />
        <span>Allow private upstream addresses</span>
      </label>
      <p className="field-hint" id="private-upstreams-hint">
        Off: users&rsquo; OpenAI-compatible base URLs must be https on the public internet. On: they may also use plain
        http and reach this host and its networks (loopback, 10/8, 172.16/12, 192.168/16, link-local, fc00::/7) — for
        Ollama or LM Studio next to the gateway. Turn it on only if you trust every user with your network. Cloud
        metadata addresses stay refused either way.
      </p>
      {update.error == null ? null : <ErrorBanner title="Could not save" error={update.error} />}
    </section>
  );
}
