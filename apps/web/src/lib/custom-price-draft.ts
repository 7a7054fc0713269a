import type { CustomPrice } from '@pag/contracts';

/** One editable row: the numbers stay text while typed, so "0." is not turned into 0 under the cursor. */
export type DraftRow = { model: string; input: string; cachedInput: string; output: string };

export const toDraft = (price: CustomPrice): DraftRow => ({
  model: price.model,
  input: String(price.input),
  cachedInput: price.cachedInput == null ? '' : String(price.cachedInput),
  output: String(price.output),
});

export const EMPTY_ROW: DraftRow = { model: '', input: '', cachedInput: '', output: '' };

/** The draft as the API's list, or the first thing to fix. */
export function toPrices(rows: readonly DraftRow[]): { prices: CustomPrice[] } | { error: string } {
  const prices: CustomPrice[] = [];
  for (const row of rows) {
    if (row.model.trim() === '' && row.input === '' && row.output === '') continue;
    const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
    const input = number(row.input);
    const output = number(row.output);
    const cachedInput = row.cachedInput.trim() === '' ? null : number(row.cachedInput);
    if (row.model.trim() === '') return { error: 'Every price needs its model id.' };
    if (![input, output, cachedInput ?? 0].every((value) => Number.isFinite(value) && value >= 0)) {
      return { error: `The prices for ${row.model.trim()} must be numbers of dollars, 0 or more.` };
    }
    prices.push({ model: row.model.trim(), input, cachedInput, output });
  }
  return { prices };
}
