import type { ModelAlias, ModelEntry } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { listModelAliases, saveModelAliases } from '../api/model-aliases.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useDraftList } from '../hooks/use-draft-list.ts';
import { useSession } from '../hooks/use-session.ts';
import { FieldError } from './field-error.tsx';
import { ModelSelect } from './model-select.tsx';

/** What a new user most likely wants: Claude Code's three model families on the subscription. */
const SUGGESTED_PATTERNS = ['claude-sonnet-*', 'claude-opus-*', 'claude-haiku-*'];

/**
 * The user's model aliases (docs/anthropic-protocol.md §9): names that clients such as Claude Code hard-code
 * (`claude-sonnet-*`) mapped to one of the user's models. Edited as one list and saved together.
 */
export function ModelAliasesCard({ models }: { models: ModelEntry[] }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const aliases = useQuery({ queryKey: queryKeys.modelAliases, queryFn: ({ signal }) => listModelAliases(signal) });
  const save = useMutation({
    mutationFn: (list: ModelAlias[]) => saveModelAliases({ aliases: list, csrfToken }),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.modelAliases, saved);
      list.reset();
    },
  });
  const list = useDraftList<ModelAlias>(aliases.data ?? []);
  const { rows, update } = list;
  const nextPattern = SUGGESTED_PATTERNS.find((pattern) => !rows.some((row) => row.pattern === pattern)) ?? '';
  const defaultTarget = models[0] == null ? '' : models[0].id;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    save.mutate(rows.map((row) => ({ pattern: row.pattern.trim(), target: row.target })));
  }

  return (
    <section className="card" aria-labelledby="model-aliases-title">
      <h2 id="model-aliases-title" className="card-title">
        Model aliases
      </h2>
      <p className="muted">
        Names that tools send without asking you, such as Claude Code’s <code>claude-sonnet-…</code>, and the model that
        answers them. A name, a prefix ending in <code>*</code>, or <code>*</code> for any other name; the exact name
        wins, then the longest prefix.
      </p>
      {aliases.isError ? <FieldError error={aliases.error} /> : null}
      <form className="form" onSubmit={onSubmit} noValidate>
        {rows.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and may share an empty pattern
          <fieldset className="custom-price-row" key={index}>
            <legend className="visually-hidden">{row.pattern === '' ? `Alias ${index + 1}` : row.pattern}</legend>
            <label>
              Name or pattern
              <input
                className="input"
                value={row.pattern}
                placeholder="claude-sonnet-*"
                onChange={(event) => update(index, { pattern: event.target.value })}
              />
            </label>
            <ModelSelect
              id={`model-alias-target-${index}`}
              label="Answered by"
              value={row.target}
              models={models}
              emptyLabel="Choose a model"
              onChange={(value) => update(index, { target: value })}
            />
            <button type="button" className="button button-danger-quiet" onClick={() => list.remove(index)}>
              Remove
            </button>
          </fieldset>
        ))}
        <FieldError error={save.error} />
        <div className="button-row">
          <button
            type="button"
            className="button button-secondary"
            onClick={() => list.add({ pattern: nextPattern, target: defaultTarget })}
          >
            Add an alias
          </button>
          <button type="submit" className="button button-primary" disabled={!list.isChanged || save.isPending}>
            {save.isPending ? 'Saving…' : 'Save aliases'}
          </button>
        </div>
        {save.isSuccess && !list.isChanged ? (
          <p className="field-hint" role="status">
            Saved.
          </p>
        ) : null}
      </form>
    </section>
  );
}
