import type { CustomPrice } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { queryKeys } from '../api/query-keys.ts';
import { listCustomPrices, saveCustomPrices } from '../api/usage-prices.ts';
import { useDraftList } from '../hooks/use-draft-list.ts';
import { useSession } from '../hooks/use-session.ts';
import { type DraftRow, EMPTY_ROW, toDraft, toPrices } from '../lib/custom-price-draft.ts';
import { FieldError } from './field-error.tsx';

/** The three prices of a row, each in dollars per million tokens. */
const PRICE_FIELDS = [
  { field: 'input', label: 'Input' },
  { field: 'cachedInput', label: 'Cached input' },
  { field: 'output', label: 'Output' },
] as const;

/**
 * A user's own API prices for the models of their OpenAI-compatible endpoint (USD per 1M tokens), so the usage page
 * can show what those requests cost when the public price table does not know the model (docs/api-prices.md §4).
 */
export function CustomPricesCard() {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const prices = useQuery({ queryKey: queryKeys.customPrices, queryFn: ({ signal }) => listCustomPrices(signal) });
  const [formError, setFormError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (list: CustomPrice[]) => saveCustomPrices({ prices: list, csrfToken }),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.customPrices, saved);
      list.reset();
    },
  });
  const list = useDraftList<DraftRow>((prices.data ?? []).map(toDraft));
  const { rows, update } = list;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const result = toPrices(rows);
    if ('error' in result) {
      setFormError(result.error);
      return;
    }
    setFormError(null);
    save.mutate(result.prices);
  }

  return (
    <section className="card" aria-labelledby="custom-prices-title">
      <h3 id="custom-prices-title" className="card-title">
        Prices for your endpoint’s models
      </h3>
      <p className="muted">
        Dollars per million tokens, for the usage page. Models the gateway knows are priced at their public API price;
        set your own here (an empty cached price costs what input costs).
      </p>
      {prices.isError ? <FieldError error={prices.error} /> : null}
      <form className="form" onSubmit={onSubmit} noValidate>
        {rows.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id until saved, and are edited in place
          <fieldset className="custom-price-row" key={index}>
            <legend className="visually-hidden">{row.model === '' ? `Price ${index + 1}` : row.model}</legend>
            <label>
              Model
              <input
                className="input"
                value={row.model}
                onChange={(event) => update(index, { model: event.target.value })}
              />
            </label>
            {PRICE_FIELDS.map(({ field, label }) => (
              <label key={field}>
                {label}
                <input
                  className="input"
                  inputMode="decimal"
                  value={row[field]}
                  onChange={(event) => update(index, { [field]: event.target.value })}
                />
              </label>
            ))}
            <button type="button" className="button button-danger-quiet" onClick={() => list.remove(index)}>
              Remove
            </button>
          </fieldset>
        ))}
        <FieldError error={formError ?? save.error} />
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={() => list.add({ ...EMPTY_ROW })}>
            Add a model
          </button>
          <button type="submit" className="button button-primary" disabled={!list.isChanged || save.isPending}>
            {save.isPending ? 'Saving…' : 'Save prices'}
          </button>
        </div>
      </form>
    </section>
  );
}
