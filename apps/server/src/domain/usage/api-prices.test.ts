import { describe, expect, it } from 'vitest';
import { API_PRICES, PRICE_TABLE_VERSION, priceRequest } from './api-prices.ts';

const request = (overrides: Partial<Parameters<typeof priceRequest>[0]>) => ({
  provider: 'openai',
  model: 'openai/gpt-4.1',
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  ...overrides,
});

describe('API-price equivalent', () => {
  it('issue 19: prices uncached input, cached input and output (reasoning inside it) by the table, by hand', () => {
    // gpt-4.1: $2 in, $0.50 cached, $8 out per 1M. 1,000 in (400 cached) + 500 out, of which 200 reasoning:
    // 600 × 2 + 400 × 0.5 + 500 × 8 = 1,200 + 200 + 4,000 = 5,400 micro-USD.
    expect(
      priceRequest(request({ inputTokens: 1000, cachedInputTokens: 400, outputTokens: 500, reasoningTokens: 200 })),
    ).toEqual({ micros: 5400, version: PRICE_TABLE_VERSION });
  });

  it('issue 19: prices a ChatGPT model as its OpenAI API counterpart and says which', () => {
    // chatgpt/gpt-5.5 as openai gpt-5.5: $5 in, $0.50 cached, $30 out. 2,000 in (1,000 cached) + 100 out:
    // 1,000 × 5 + 1,000 × 0.5 + 100 × 30 = 5,000 + 500 + 3,000 = 8,500.
    const priced = priceRequest(
      request({
        provider: 'chatgpt',
        model: 'chatgpt/gpt-5.5',
        inputTokens: 2000,
        cachedInputTokens: 1000,
        outputTokens: 100,
      }),
    );
    expect(priced.micros).toBe(8500);
    expect(API_PRICES.find((entry) => entry.provider === 'chatgpt' && entry.model === 'gpt-5.5')?.counterpart).toBe(
      'openai/gpt-5.5',
    );
  });

  it('issue 19: bills cached Gemini input as input when no cached price is published, and matches dated ids', () => {
    // gemini-2.5-flash: $0.30 in, $2.50 out; 1,000 in (all cached) + 1,000 out = 300 + 2,500.
    expect(
      priceRequest(
        request({
          provider: 'gemini',
          model: 'gemini/gemini-2.5-flash',
          inputTokens: 1000,
          cachedInputTokens: 1000,
          outputTokens: 1000,
        }),
      ).micros,
    ).toBe(2800);
    expect(priceRequest(request({ model: 'openai/gpt-4.1-2025-04-14', inputTokens: 1_000_000 })).micros).toBe(
      2_000_000,
    );
  });

  it('issue 19: bills reasoning at the output rate when only the reasoning count is known', () => {
    // gpt-4.1 output $8 per 1M: 250 reasoning tokens = 2,000 micro-USD.
    expect(priceRequest(request({ outputTokens: null, reasoningTokens: 250 })).micros).toBe(2000);
  });

  it('issue 19: gives null for an unknown model, no model, or no tokens; never a guess', () => {
    expect(
      priceRequest(request({ provider: 'chatgpt', model: 'chatgpt/gpt-6-sol', inputTokens: 10 })).micros,
    ).toBeNull();
    expect(priceRequest(request({ provider: null, model: null, inputTokens: 10 })).micros).toBeNull();
    expect(
      priceRequest(request({ inputTokens: null, cachedInputTokens: null, outputTokens: null, reasoningTokens: null }))
        .micros,
    ).toBeNull();
  });

  it('issue 19: a custom price overrides the table for OpenAI-compatible rows only', () => {
    const custom = [{ model: 'gpt-4.1', input: 1, cachedInput: null, output: 2 }];
    // 1,000 in (500 cached, billed as input) + 1,000 out: 1,000 × 1 + 1,000 × 2 = 3,000.
    expect(
      priceRequest(request({ inputTokens: 1000, cachedInputTokens: 500, outputTokens: 1000 }), custom).micros,
    ).toBe(3000);
    expect(priceRequest(request({ model: 'openai/my-local-llama', inputTokens: 1000 }), custom).micros).toBeNull();
    expect(
      priceRequest(request({ model: 'openai/my-local-llama', inputTokens: 1000 }), [
        { model: 'my-local-llama', input: 0.5, cachedInput: 0.1, output: 1 },
      ]).micros,
    ).toBe(500);
    expect(
      priceRequest(request({ provider: 'gemini', model: 'gemini/gemini-2.5-flash', inputTokens: 1000 }), [
        { model: 'gemini-2.5-flash', input: 100, cachedInput: null, output: 100 },
      ]).micros,
    ).toBe(300);
  });

  it('issue 20: prices an Anthropic key’s dated Claude id by its family, cache hits at the cached price', () => {
    const priced = priceRequest({
      provider: 'anthropic',
      model: 'anthropic/claude-sonnet-4-5-20250929',
      inputTokens: 1000,
      cachedInputTokens: 400,
      outputTokens: 100,
      reasoningTokens: null,
    });
    // 600 × $3 + 400 × $0.30 + 100 × $15 per 1M tokens, in micro-USD.
    expect(priced).toEqual({ micros: 600 * 3 + 400 * 0.3 + 100 * 15, version: PRICE_TABLE_VERSION });
    expect(
      priceRequest({
        provider: 'anthropic',
        model: 'claude-unknown-9',
        inputTokens: 1,
        cachedInputTokens: null,
        outputTokens: 1,
        reasoningTokens: null,
      }).micros,
    ).toBeNull();
  });

  it('issue 19: every row names its public source page and the day it was read', () => {
    for (const entry of API_PRICES) {
      expect(entry.source).toMatch(/^https:\/\/(developers\.openai\.com|ai\.google\.dev|platform\.claude\.com)\//);
      expect(entry.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
