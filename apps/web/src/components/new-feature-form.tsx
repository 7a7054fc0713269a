import type { ModelEntry } from '@pag/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { createFeature } from '../api/features.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useSession } from '../hooks/use-session.ts';
import type { FieldErrors } from '../lib/collect-field-errors.ts';
import { type FeatureFormField, type FeatureFormValues, readNewFeatureForm } from '../lib/read-feature-form.ts';
import { FieldError } from './field-error.tsx';
import { ModelSelect } from './model-select.tsx';
import { OutputSchemaField } from './output-schema-field.tsx';
import { ReasoningEffortSelect } from './reasoning-effort-select.tsx';

const EMPTY: FeatureFormValues = { name: '', prompt: '', model: '', reasoningEffort: '', schemaText: '' };

/** Adds a feature of the user's own: a name note apps ask for, its prompt, and optional model, effort and schema. */
export function NewFeatureForm({ models }: { models: ModelEntry[] }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [values, setValues] = useState<FeatureFormValues>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors<FeatureFormField>>({});
  const create = useMutation({
    mutationFn: (feature: Parameters<typeof createFeature>[0]['feature']) => createFeature({ feature, csrfToken }),
    onSuccess: () => {
      setValues(EMPTY);
      void queryClient.invalidateQueries({ queryKey: queryKeys.features });
    },
  });
  const set = (field: FeatureFormField) => (value: string) => setValues({ ...values, [field]: value });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const read = readNewFeatureForm(values);
    setErrors(read.ok ? {} : read.errors);
    if (read.ok) create.mutate(read.value);
  }

  return (
    <section className="card" aria-labelledby="new-feature-title">
      <h2 id="new-feature-title" className="card-title">
        New feature
      </h2>
      <form className="form" onSubmit={onSubmit}>
        <div className="field">
          <label className="field-label" htmlFor="new-feature-name">
            Name
          </label>
          <input
            id="new-feature-name"
            className="input"
            value={values.name}
            placeholder="outline"
            onChange={(event) => set('name')(event.target.value)}
          />
          {errors.name == null ? (
            <p className="field-hint">What a note app sends as "feature": lowercase letters, digits and dashes.</p>
          ) : (
            <p className="field-error" role="alert">
              Name {errors.name}
            </p>
          )}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="new-feature-prompt">
            Prompt
          </label>
          <textarea
            id="new-feature-prompt"
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
          id="new-feature-model"
          label="Model"
          value={values.model}
          models={models}
          emptyLabel="Your default model"
          onChange={set('model')}
        />
        <ReasoningEffortSelect
          id="new-feature-effort"
          value={values.reasoningEffort}
          onChange={set('reasoningEffort')}
        />
        <OutputSchemaField
          id="new-feature-schema"
          value={values.schemaText}
          error={errors.schemaText}
          onChange={set('schemaText')}
        />
        <FieldError error={create.error} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add feature'}
          </button>
        </div>
      </form>
    </section>
  );
}
