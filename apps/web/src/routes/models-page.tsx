import type { ModelEntry } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listFeatures } from '../api/features.ts';
import { listModels } from '../api/list-models.ts';
import { getUserSettings, updateUserSettings } from '../api/provider-credentials.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { FeatureCard } from '../components/feature-card.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { ModelAliasesCard } from '../components/model-aliases-card.tsx';
import { ModelSelect } from '../components/model-select.tsx';
import { NewFeatureForm } from '../components/new-feature-form.tsx';
import { useSession } from '../hooks/use-session.ts';

/** The models every connection offers, the default one, and the prompts behind the note-app features. */
export function ModelsPage() {
  const models = useQuery({ queryKey: queryKeys.models, queryFn: ({ signal }) => listModels(signal) });
  const features = useQuery({ queryKey: queryKeys.features, queryFn: ({ signal }) => listFeatures(signal) });
  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Models & features</h1>
        <p className="page-description">
          The models your connections offer, which one answers when a request names none, and the features your note app
          asks for by name: the built-in ones and your own.
        </p>
      </header>
      {models.isPending || features.isPending ? <LoadingState label="Loading models…" /> : null}
      {(models.error ?? features.error) ? (
        <ErrorBanner title="Could not load the models" error={models.error ?? features.error} />
      ) : null}
      {models.data != null ? <DefaultModelCard models={models.data} /> : null}
      {models.data != null ? <ModelAliasesCard models={models.data} /> : null}
      {models.data != null && features.data != null
        ? features.data.map((feature) => <FeatureCard key={feature.name} feature={feature} models={models.data} />)
        : null}
      {models.data != null ? <NewFeatureForm models={models.data} /> : null}
    </div>
  );
}

function DefaultModelCard({ models }: { models: ModelEntry[] }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const settings = useQuery({ queryKey: queryKeys.userSettings, queryFn: ({ signal }) => getUserSettings(signal) });
  const save = useMutation({
    mutationFn: (defaultModel: string | null) => updateUserSettings({ changes: { defaultModel }, csrfToken }),
    onSuccess: (saved) => queryClient.setQueryData(queryKeys.userSettings, saved),
  });
  return (
    <section className="card" aria-labelledby="default-model-title">
      <h2 id="default-model-title" className="card-title">
        Default model
      </h2>
      {models.length === 0 ? (
        <p className="muted">No models yet: connect your subscription or add an API key under Connections.</p>
      ) : (
        <ModelSelect
          id="default-model"
          label="When a request names no model"
          value={save.isPending ? (save.variables ?? '') : (settings.data?.defaultModel ?? '')}
          models={models}
          emptyLabel="Automatic (your subscription first)"
          onChange={(value) => save.mutate(value === '' ? null : value)}
        />
      )}
      {save.isSuccess ? (
        <p className="field-hint" role="status">
          Saved.
        </p>
      ) : null}
      {save.error == null ? null : <ErrorBanner title="Could not save" error={save.error} />}
    </section>
  );
}
