import type { Feature, ModelEntry, RoutingRules } from '@pag/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { deleteFeature, updateFeature } from '../api/features.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useSession } from '../hooks/use-session.ts';
import type { FieldErrors } from '../lib/collect-field-errors.ts';
import {
  type FeatureFormField,
  type FeatureFormValues,
  readFeatureChanges,
  toFeatureFormValues,
} from '../lib/read-feature-form.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { FieldError } from './field-error.tsx';
import { ModelSelect } from './model-select.tsx';
import { OutputSchemaField } from './output-schema-field.tsx';
import { ReasoningEffortSelect } from './reasoning-effort-select.tsx';
import { RoutingRulesFields } from './routing-rules-fields.tsx';

/**
 * One feature: a built-in one's prompt and model (restorable), or one of the user's own with its reasoning effort
 * and output schema too, and a Delete button.
 */
export function FeatureCard({ feature, models }: { feature: Feature; models: ModelEntry[] }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [values, setValues] = useState<FeatureFormValues>(() => toFeatureFormValues(feature));
  const [errors, setErrors] = useState<FieldErrors<FeatureFormField>>({});
  const [isConfirmingDelete, setIsConfirmingDelete] = useState(false);
  const [routing, setRouting] = useState<RoutingRules>(feature.routing);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.features });
  const save = useMutation({
    mutationFn: (changes: Parameters<typeof updateFeature>[0]['changes']) =>
      updateFeature({ name: feature.name, changes, csrfToken }),
    onSuccess: (saved) => {
      setValues(toFeatureFormValues(saved));
      setRouting(saved.routing);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteFeature({ name: feature.name, csrfToken }),
    onSuccess: () => void refresh(),
  });
  const stored = toFeatureFormValues(feature);
  const isChanged =
    (Object.keys(stored) as FeatureFormField[]).some((field) => values[field] !== stored[field]) ||
    JSON.stringify(routing) !== JSON.stringify(feature.routing);
  const set = (field: FeatureFormField) => (value: string) => setValues({ ...values, [field]: value });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const read = readFeatureChanges(values, feature.isBuiltIn);
    setErrors(read.ok ? {} : read.errors);
    if (read.ok) save.mutate({ ...read.value, routing });
  }

  const id = `feature-${feature.name}`;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="connection-heading">
        <h2 id={`${id}-title`} className="card-title feature-name">
          {feature.name}
        </h2>
        <span className={feature.isCustomized || !feature.isBuiltIn ? 'status-pill status-pill-ok' : 'status-pill'}>
          {feature.isBuiltIn ? (feature.isCustomized ? 'Edited' : 'Built-in') : 'Yours'}
        </span>
      </div>
      <form className="form" onSubmit={onSubmit}>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-prompt`}>
            Prompt
          </label>
          <textarea
            id={`${id}-prompt`}
            className="input playground-prompt"
            rows={3}
            value={values.prompt}
            onChange={(event) => set('prompt')(event.target.value)}
          />
          {errors.prompt == null ? null : (
            <p className="field-error" role="alert">
              Prompt {errors.prompt}
            </p>
          )}
        </div>
        <ModelSelect
          id={`${id}-model`}
          label="Model"
          value={values.model}
          models={models}
          emptyLabel="Your default model"
          onChange={set('model')}
        />
        <RoutingRulesFields value={routing} onChange={setRouting} models={models} />
        {feature.isBuiltIn ? (
          feature.schema == null ? null : (
            <p className="field-hint">Answers JSON: {JSON.stringify(feature.schema.properties ?? {})}</p>
          )
        ) : (
          <>
            <ReasoningEffortSelect
              id={`${id}-effort`}
              value={values.reasoningEffort}
              onChange={set('reasoningEffort')}
            />
            <OutputSchemaField
              id={`${id}-schema`}
              value={values.schemaText}
              error={errors.schemaText}
              onChange={set('schemaText')}
            />
          </>
        )}
        <FieldError error={save.error} />
        <div className="button-row">
          <button
            type="submit"
            className="button button-primary"
            disabled={!isChanged || values.prompt.trim() === '' || save.isPending}
          >
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          {feature.isBuiltIn && feature.isCustomized ? (
            <button
              type="button"
              className="button button-secondary"
              disabled={save.isPending}
              onClick={() => save.mutate({ prompt: null, model: null })}
            >
              Restore built-in
            </button>
          ) : null}
          {feature.isBuiltIn ? null : (
            <button type="button" className="button button-secondary" onClick={() => setIsConfirmingDelete(true)}>
              Delete
            </button>
          )}
        </div>
      </form>
      <ConfirmDialog
        isOpen={isConfirmingDelete}
        title={`Delete the feature "${feature.name}"?`}
        confirmLabel="Delete"
        pendingLabel="Deleting…"
        isPending={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onCancel={() => {
          setIsConfirmingDelete(false);
          remove.reset();
        }}
      >
        <p>Note apps asking for it by name will get a 400 listing the features you have.</p>
      </ConfirmDialog>
    </section>
  );
}
