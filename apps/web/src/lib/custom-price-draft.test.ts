import { describe, expect, it } from 'vitest';
import { toDraft, toPrices } from './custom-price-draft.ts';

describe('issue 19: custom price draft', () => {
  it('issue 19: turns typed rows into prices, an empty cached price into null, and skips blank rows', () => {
    expect(
      toPrices([
        { model: ' my-llama ', input: '0.5', cachedInput: '', output: '1' },
        { model: '', input: '', cachedInput: '', output: '' },
      ]),
    ).toEqual({ prices: [{ model: 'my-llama', input: 0.5, cachedInput: null, output: 1 }] });
    expect(toDraft({ model: 'm', input: 1, cachedInput: 0.1, output: 2 })).toEqual({
      model: 'm',
      input: '1',
      cachedInput: '0.1',
      output: '2',
    });
  });

  it('issue 19: says what to fix for a missing model or a price that is not a number', () => {
    expect(toPrices([{ model: '', input: '1', cachedInput: '', output: '1' }])).toEqual({
      error: 'Every price needs its model id.',
    });
    expect(toPrices([{ model: 'm', input: 'abc', cachedInput: '', output: '1' }])).toEqual({
      error: 'The prices for m must be numbers of dollars, 0 or more.',
    });
    expect(toPrices([{ model: 'm', input: '1', cachedInput: '-1', output: '1' }])).toHaveProperty('error');
  });
});
