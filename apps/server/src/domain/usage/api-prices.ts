/**
 * What a request would have cost at the providers' public API prices (docs/api-prices.md). The table is data in the
 * repository, versioned: every priced ledger row keeps `PRICE_TABLE_VERSION`, so a later price change never rewrites
 * what an old row said. A model we have no sourced price for is priced `null`, never guessed.
 */

/** Bump on every change to {@link API_PRICES} (docs/api-prices.md §3). */
export const PRICE_TABLE_VERSION = '2026-12-06.2';

/** USD per 1M tokens. `cachedInput` null: no cached price was published in our source (docs/api-prices.md §2). */
export type TokenPrices = { input: number; cachedInput: number | null; output: number };

export type ApiPriceEntry = TokenPrices & {
  /** Which provider's model ids this row prices (`chatgpt` rows are priced as their API counterpart). */
  provider: 'chatgpt' | 'openai' | 'gemini' | 'anthropic';
  /** The model id without the provider prefix or a dated snapshot suffix. */
  model: string;
  /** For a subscription model: the OpenAI API model whose price it is given. */
  counterpart?: string;
  /** The public price page the numbers come from, and the day our source read it. */
  source: string;
  asOf: string;
};

const OPENAI_PRICING = 'https://developers.openai.com/api/docs/pricing';
const GEMINI_PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';
const ANTHROPIC_PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';

const openai = (model: string, input: number, cachedInput: number | null, output: number, asOf: string) =>
  ({ provider: 'openai', model, input, cachedInput, output, source: OPENAI_PRICING, asOf }) as const;
const gemini = (model: string, input: number, output: number) =>
  ({
    provider: 'gemini',
    model,
    input,
    cachedInput: null,
    output,
    source: GEMINI_PRICING,
    asOf: '2026-09-20',
  }) as const;

/** Cached input is Anthropic's "cache hits" price; cache writes (1.25× input and more) are priced as input. */
const anthropic = (model: string, input: number, cachedInput: number | null, output: number) =>
  ({
    provider: 'anthropic',
    model,
    input,
    cachedInput,
    output,
    source: ANTHROPIC_PRICING,
    asOf: '2026-12-06',
  }) as const;

const OPENAI_ROWS: readonly ApiPriceEntry[] = [
  openai('gpt-5.5', 5, 0.5, 30, '2026-06-01'),
  openai('gpt-5.4', 2.5, 0.25, 15, '2026-06-01'),
  openai('gpt-5.4-mini', 0.75, 0.075, 4.5, '2026-06-01'),
  openai('gpt-5.4-nano', 0.2, 0.02, 1.25, '2026-06-01'),
  openai('gpt-5.2', 1.75, 0.175, 14, '2026-01-01'),
  openai('gpt-5', 1.25, 0.125, 10, '2026-01-01'),
  openai('gpt-5-codex', 1.25, 0.125, 10, '2026-01-01'),
  openai('gpt-5-mini', 0.25, null, 2, '2026-01-01'),
  openai('gpt-4.1', 2, 0.5, 8, '2026-01-01'),
  openai('gpt-4o-mini', 0.15, 0.075, 0.6, '2026-01-01'),
  openai('text-embedding-3-small', 0.02, null, 0, '2026-01-01'),
  openai('text-embedding-3-large', 0.13, null, 0, '2026-01-01'),
];

/** The subscription's models that have a same-named API model: priced as that model (docs/api-prices.md §1). */
const CHATGPT_COUNTERPARTS = ['gpt-5.5', 'gpt-5.4', 'gpt-5.4-mini', 'gpt-5.2', 'gpt-5', 'gpt-5-codex', 'gpt-5-mini'];

export const API_PRICES: readonly ApiPriceEntry[] = [
  ...OPENAI_ROWS,
  ...CHATGPT_COUNTERPARTS.map((model): ApiPriceEntry => {
    const row = OPENAI_ROWS.find((candidate) => candidate.model === model);
    if (row == null) throw new TypeError(`no OpenAI API price for the ChatGPT counterpart "${model}"`);
    return { ...row, provider: 'chatgpt', counterpart: `openai/${model}` };
  }),
  gemini('gemini-3.5-flash', 1.5, 9),
  gemini('gemini-3.1-pro-preview', 2, 12),
  gemini('gemini-3-flash', 0.5, 3),
  gemini('gemini-3.1-flash-lite', 0.25, 1.5),
  gemini('gemini-2.5-pro', 1.25, 10),
  gemini('gemini-2.5-flash', 0.3, 2.5),
  gemini('gemini-2.5-flash-lite', 0.1, 0.4),
  anthropic('claude-fable-5-1', 10, 0.25, 50),
  anthropic('claude-opus-5-5', 4, 0.2, 20),
  anthropic('claude-opus-5', 5, 0.5, 25),
  anthropic('claude-opus-4-8', 5, 0.5, 25),
  anthropic('claude-opus-4-7', 5, 0.5, 25),
  anthropic('claude-opus-4-6', 5, 0.5, 25),
  anthropic('claude-opus-4-5', 5, 0.5, 25),
  anthropic('claude-opus-4-1', 15, 1.5, 75),
  anthropic('claude-sonnet-5-5', 2, null, 10),
  anthropic('claude-sonnet-5', 2, 0.2, 10),
  anthropic('claude-sonnet-4-5', 3, 0.3, 15),
  anthropic('claude-haiku-4-5', 1, 0.1, 5),
];

/** A user's own price for a model on their OpenAI-compatible endpoint (`usage_custom_prices`). */
export type CustomPrice = TokenPrices & { model: string };

export type PricedRequest = {
  provider: string | null;
  /** `provider/model` as the ledger stores it, or the bare model id. */
  model: string | null;
  /** All input tokens, cached ones included (as OpenAI and Gemini report them). */
  inputTokens: number | null;
  cachedInputTokens: number | null;
  /**
   * All output tokens, reasoning included (as the AI SDK's `outputTokens.total`, OpenAI and Gemini report them, and
   * as `domain/note-app/to-ai-usage.ts` passes them on); reasoning is so billed as output.
   */
  outputTokens: number | null;
  /** The reasoning part of `outputTokens`: priced only when the output count is missing. */
  reasoningTokens: number | null;
};

/** Dated snapshots (`gpt-4.1-2025-04-14`, `claude-sonnet-4-5-20250929`) and Gemini's `models/` prefix name the same family. */
function familyOf(provider: string, model: string): string {
  const bare = model.startsWith(`${provider}/`) ? model.slice(provider.length + 1) : model;
  return bare.replace(/^models\//, '').replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
}

/**
 * The API-price equivalent of one request in micro-USD (USD per 1M tokens × tokens = micro-USD), with the table
 * version it was priced by. Custom prices (a user's own, for their OpenAI-compatible endpoint) win over the table
 * for provider `openai`. Null when the model has no known price or the request reported no tokens.
 */
export function priceRequest(
  request: PricedRequest,
  customPrices: readonly CustomPrice[] = [],
): { micros: number | null; version: string } {
  const unpriced = { micros: null, version: PRICE_TABLE_VERSION };
  if (request.provider == null || request.model == null) return unpriced;
  const family = familyOf(request.provider, request.model);
  const custom =
    request.provider === 'openai'
      ? customPrices.find((price) => familyOf('openai', price.model) === family)
      : undefined;
  const prices =
    custom ?? API_PRICES.find((entry) => entry.provider === request.provider && entry.model === family) ?? null;
  const tokens = [request.inputTokens, request.outputTokens, request.reasoningTokens];
  if (prices == null || tokens.every((count) => count == null)) return unpriced;
  const input = request.inputTokens ?? 0;
  const cached = Math.min(request.cachedInputTokens ?? 0, input);
  // No published cached price: cached tokens cost what uncached input costs (an upper bound, docs/api-prices.md §2).
  const cachedRate = prices.cachedInput ?? prices.input;
  const output = request.outputTokens ?? request.reasoningTokens ?? 0;
  const micros = (input - cached) * prices.input + cached * cachedRate + output * prices.output;
  return { micros: Math.round(micros), version: PRICE_TABLE_VERSION };
}
