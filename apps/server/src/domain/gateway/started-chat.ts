import type { ProviderName } from '@pag/contracts';
import type { LanguageModelV3StreamPart, SharedV3Warning } from '@pag/providers';

/** An answer that has started: who answers, its parts from the first output on, and what starting it cost. */
export type StartedChat = {
  provider: ProviderName;
  /** `provider/upstream-model` that is answering. */
  model: string;
  isFallback: boolean;
  /** `provider/upstream-model` of the step that failed just before this one answered; null: the first step answered. */
  fallbackFrom: string | null;
  parts: AsyncIterable<LanguageModelV3StreamPart>;
  /** Request settings the provider could not honour and dropped (e.g. `max_tokens` on the subscription). */
  warnings: SharedV3Warning[];
  /** Milliseconds spent waiting on upstreams before the first output part (catalogue, refresh, first token). */
  upstreamWaitMs: number;
};
