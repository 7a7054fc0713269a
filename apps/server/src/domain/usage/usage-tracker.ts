import type { ProviderName } from '@pag/contracts';
import type { LanguageModelV3Usage } from '@pag/providers';
import { failedStepOf } from '../gateway/failed-step.ts';
import { SUBSCRIPTION_PROVIDERS } from '../gateway/route-plan.ts';
import type { UsageEventInput, UsageLedger } from './usage-ledger.ts';

/** Who asked and where: what a request's row knows before anything ran. */
export type UsageCaller = Pick<UsageEventInput, 'userId' | 'callerKind' | 'apiKeyId' | 'appClientId' | 'route'> & {
  feature?: string | null | undefined;
};

/** The token counts of one answer; unknown counts stay null, never 0. */
export type UsageTokens = {
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
};

/** Who answered: the step that produced the answer, and the one that failed before it (a fallback). */
export type UsageAnswerer = { provider: ProviderName; model: string; fallbackFrom?: string | null | undefined };

/**
 * One request's ledger row while it runs: the route and the answer fill it in as they learn things (who answered,
 * the first output, the usage, a failure), and `finish` hands it to the ledger exactly once. Every method is
 * synchronous and cheap: this lives on the hot path. Holds counts and names only, never content.
 */
export class UsageTracker {
  readonly #ledger: UsageLedger;
  readonly #startedAt: number;
  readonly #createdAt: number;
  readonly #row: Omit<UsageEventInput, 'createdAt' | 'durationMs' | 'status'>;
  #isFinished = false;

  constructor(ledger: UsageLedger, caller: UsageCaller, now: () => number = Date.now) {
    this.#ledger = ledger;
    this.#startedAt = performance.now();
    this.#createdAt = now();
    this.#row = {
      userId: caller.userId,
      callerKind: caller.callerKind,
      apiKeyId: caller.apiKeyId ?? null,
      appClientId: caller.appClientId ?? null,
      route: caller.route,
      feature: caller.feature ?? null,
      provider: null,
      model: null,
      inputTokens: null,
      cachedInputTokens: null,
      outputTokens: null,
      reasoningTokens: null,
      firstTokenMs: null,
      errorCode: null,
      fallbackFrom: null,
      isSubscription: false,
    };
  }

  get isFinished(): boolean {
    return this.#isFinished;
  }

  /** The feature the request turned out to ask for (read from its body after the row was opened). */
  setFeature(feature: string | null | undefined): void {
    this.#row.feature = feature ?? null;
  }

  /**
   * The provider and model that answer. Called once the answer's first output is there (the runner peeks it before
   * it returns, docs/architecture.md §3.6), which is the first-token time too; a relay that only has the upstream's
   * headers passes `hasOutput: false` and the stream pump marks the first byte instead.
   */
  answeredBy(answerer: UsageAnswerer, options: { hasOutput?: boolean } = {}): void {
    if (options.hasOutput !== false) this.firstOutput();
    this.#row.provider = answerer.provider;
    this.#row.model = answerer.model;
    this.#row.fallbackFrom = answerer.fallbackFrom ?? null;
    this.#row.isSubscription = SUBSCRIPTION_PROVIDERS.includes(answerer.provider);
  }

  /** The first output is there (the first token of a stream, or a whole answer): kept once, from the request's start. */
  firstOutput(): void {
    this.#row.firstTokenMs ??= Math.round(performance.now() - this.#startedAt);
  }

  tokens(tokens: UsageTokens | null | undefined): void {
    if (tokens == null) return;
    this.#row.inputTokens = tokens.inputTokens;
    this.#row.cachedInputTokens = tokens.cachedInputTokens;
    this.#row.outputTokens = tokens.outputTokens;
    this.#row.reasoningTokens = tokens.reasoningTokens;
  }

  /** The provider-neutral usage of a `finish` part (docs/architecture.md §3.5). */
  modelUsage(usage: LanguageModelV3Usage | undefined): void {
    if (usage == null) return;
    this.tokens({
      inputTokens: usage.inputTokens.total ?? null,
      cachedInputTokens: usage.inputTokens.cacheRead ?? null,
      outputTokens: usage.outputTokens.total ?? null,
      reasoningTokens: usage.outputTokens.reasoning ?? null,
    });
  }

  /**
   * The answer failed (before or after its first byte); the first failure's code is kept. A failure before any
   * step answered names the step it came from (`withFailedStep`), so the row says which provider and model failed.
   */
  fail(code: string, error?: unknown): void {
    this.#row.errorCode ??= code;
    const step = this.#row.provider == null ? failedStepOf(error) : null;
    if (step != null) {
      this.answeredBy(
        { provider: step.provider, model: `${step.provider}/${step.upstreamModel}` },
        { hasOutput: false },
      );
    }
  }

  /** Hands the row to the ledger with the status the client got; later calls do nothing. */
  finish(status: number): void {
    if (this.#isFinished) return;
    this.#isFinished = true;
    this.#ledger.record({
      ...this.#row,
      createdAt: new Date(this.#createdAt),
      durationMs: Math.round(performance.now() - this.#startedAt),
      status,
    });
  }
}
