import type { ProviderName } from '@pag/contracts';

/** What every front door's started answer says about who answers, for its headers and the usage ledger. */
export type StartedAnswerBase = {
  provider: ProviderName;
  /** `provider/upstream-model` that is answering. */
  model: string;
  /** `provider/upstream-model` that failed before this one answered (a fallback); null: none did. */
  fallbackFrom: string | null;
  /** Request settings the provider dropped, in words (ASCII, for the `x-gateway-warning` header). */
  warnings: string[];
  /** Milliseconds spent waiting on upstreams (for the non-stream answer: until it was complete). */
  upstreamWaitMs: number;
};
