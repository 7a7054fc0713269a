import type { Feature, ModelEntry } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { listFeatures, updateFeature } from '../api/features.ts';
import { listModels } from '../api/list-models.ts';
import { getUserSettings, updateUserSettings } from '../api/provider-credentials.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { FieldError } from '../components/field-error.tsx';
import { LoadingState } from '../components/loading-state.tsx';
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
          The models your connections offer, which one answers when a request names none, and the prompts behind the
          features your note app asks for by name.
        </p>
      </header>
      {models.isPending || features.isPending ? <LoadingState label="Loading models…" /> : null}
      {(models.error ?? features.error) ? (
        <ErrorBanner title="Could not load the models" error={models.error ?? features.error} />
      ) : null}
      {models.data != null ? <DefaultModelCard models={models.data} /> : null}
      {models.data != null && features.data != null
        ? features.data.map((feature) => <FeatureCard key={feature.name} feature={feature} models={models.data} />)
        : null}
    </div>
  );
}

function ModelSelect(props: {
  id: string;
  label: string;
  value: string;
  models: ModelEntry[];
  emptyLabel: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={props.id}>
        {props.label}
      </label>
      <select
        id={props.id}
        className="input"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      >
        <option value="">{props.emptyLabel}</option>
        {props.models.map((model) => (
          <option key={model.id} value={model.id}>
            {model.displayName} — {model.provider}
          </option>
        ))}
        {props.value !== '' && !props.models.some((model) => model.id === props.value) ? (
          <option value={props.value}>{props.value} (not available now)</option>
        ) : null}
      </select>
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

function FeatureCard({ feature, models }: { feature: Feature; models: ModelEntry[] }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [prompt, setPrompt] = useState(feature.prompt);
  const [model, setModel] = useState(feature.model ?? '');
  const save = useMutation({
    mutationFn: (changes: { prompt: string | null; model: string | null }) =>
      updateFeature({ name: feature.name, ...changes, csrfToken }),
    onSuccess: (saved) => {
      setPrompt(saved.prompt);
      setModel(saved.model ?? '');
      void queryClient.invalidateQueries({ queryKey: queryKeys.features });
    },
  });
  const isChanged = prompt !== feature.prompt || model !== (feature.model ?? '');

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ prompt: prompt.trim(), model: model === '' ? null : model });
  }

  const titleId = `feature-${feature.name}-title`;
  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="connection-heading">
        <h2 id={titleId} className="card-title feature-name">
          {feature.name}
        </h2>
        <span className={feature.isCustomized ? 'status-pill status-pill-ok' : 'status-pill'}>
          {feature.isCustomized ? 'Edited' : 'Built-in'}
        </span>
      </div>
      <form className="form" onSubmit={onSubmit}>
        <div className="field">
          <label className="field-label" htmlFor={`feature-${feature.name}-prompt`}>
            Prompt
          </label>
          <textarea
            id={`feature-${feature.name}-prompt`}
            className="input playground-prompt"
            rows={3}
            value={prompt}
            onChange={(event) => setPrompt(event.target.value)}
          />
        </div>
        <ModelSelect
          id={`feature-${feature.name}-model`}
          label="Model"
          value={model}
          models={models}
          emptyLabel="Your default model"
          onChange={setModel}
        />
        <FieldError error={save.error} />
        <div className="button-row">
          <button
            type="submit"
            className="button button-primary"
            disabled={!isChanged || prompt.trim() === '' || save.isPending}
          >
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          {feature.isCustomized ? (
            <button
              type="button"
              className="button button-secondary"
              disabled={save.isPending}
              onClick={() => save.mutate({ prompt: null, model: null })}
            >
              Restore built-in
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
