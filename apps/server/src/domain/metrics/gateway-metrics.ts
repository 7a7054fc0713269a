import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How a token refresh ended (domain/connections/connection-token-manager.ts). */
export type RefreshOutcome = 'refreshed' | 'transient_failure' | 'reconnect_required';

/** One quota window's fullness, as the connections' rate-limit snapshots last said (docs/metrics.md). */
export type QuotaUsage = { provider: string; window: string; usedPercent: number };

/** What became of one read the request cache could answer (domain/read-cache). */
export type RequestCacheOutcome = 'hit' | 'miss' | 'bypass';

/** Latency buckets in seconds: from a cached model list (milliseconds) to a long reasoning answer (minutes). */
const DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** First-token buckets in seconds: a subscription model answers in 0.3–10 s, reasoning can take a minute. */
const FIRST_TOKEN_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

/** Token kinds counted per provider, as the ledger splits them (docs/metrics.md). */
export type TokenCounts = {
  inputTokens?: number | null | undefined;
  cachedInputTokens?: number | null | undefined;
  outputTokens?: number | null | undefined;
  reasoningTokens?: number | null | undefined;
};

/**
 * The gateway's Prometheus metrics on a registry of its own (never prom-client's global one, so two apps in one
 * process — tests — do not share counters). Every label has a bounded set of values: route templates (never URLs),
 * provider names, error codes, outcomes; no user, key or email ever becomes a label (docs/metrics.md).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'route' | 'method' | 'status'>;
  readonly #duration: Histogram<'route' | 'provider'>;
  readonly #firstToken: Histogram<'route' | 'provider'>;
  readonly #tokens: Counter<'provider' | 'kind'>;
  readonly #upstreamErrors: Counter<'provider' | 'code'>;
  readonly #refreshes: Counter<'provider' | 'outcome'>;
  readonly #openStreams: Gauge;
  readonly #cacheReads: Counter<'kind' | 'outcome'>;
  readonly #cacheInvalidations: Counter;

  constructor(options: { readQuotaUsage?: () => Promise<QuotaUsage[]> } = {}) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests answered, by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time from request to the end of its answer (a stream: its last byte), by route template and provider.',
      labelNames: ['route', 'provider'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#firstToken = new Histogram({
      name: 'gateway_time_to_first_token_seconds',
      help: 'Time from request to the first streamed frame of model output, by route template and provider.',
      labelNames: ['route', 'provider'],
      buckets: FIRST_TOKEN_BUCKETS,
      registers,
    });
    this.#tokens = new Counter({
      name: 'gateway_tokens_total',
      help: 'Tokens the upstreams reported, by provider and kind (input, cached_input, output, reasoning).',
      labelNames: ['provider', 'kind'],
      registers,
    });
    this.#upstreamErrors = new Counter({
      name: 'gateway_upstream_errors_total',
      help: 'Failed upstream attempts (fallbacks included), by provider and gateway error code.',
      labelNames: ['provider', 'code'],
      registers,
    });
    this.#refreshes = new Counter({
      name: 'gateway_token_refreshes_total',
      help: 'Upstream token refreshes, by provider and outcome (refreshed, transient_failure, reconnect_required).',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.#openStreams = new Gauge({
      name: 'gateway_open_streams',
      help: 'Event streams being written to clients right now.',
      registers,
    });
    this.#cacheReads = new Counter({
      name: 'gateway_request_cache_reads_total',
      help: 'Reads the request cache could answer, by kind and outcome (hit, miss, bypass: read outside its use).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.#cacheInvalidations = new Counter({
      name: 'gateway_request_cache_invalidations_total',
      help: 'Times the request cache was emptied because the database said something it holds changed.',
      registers,
    });
    const readQuotaUsage = options.readQuotaUsage;
    new Gauge({
      name: 'gateway_quota_used_percent',
      help: 'Highest used percentage of each subscription quota window among connected accounts (last snapshot).',
      labelNames: ['provider', 'window'],
      registers,
      // Read at scrape time from the stored snapshots: nothing runs between scrapes. prom-client awaits it.
      async collect() {
        const usages = (await readQuotaUsage?.()) ?? [];
        this.reset();
        for (const usage of usages) {
          this.set({ provider: usage.provider, window: usage.window }, usage.usedPercent);
        }
      },
    });
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  observeRequest(request: { route: string; method: string; status: number; provider: string; seconds: number }): void {
    this.#requests.inc({ route: request.route, method: request.method, status: String(request.status) });
    this.#duration.observe({ route: request.route, provider: request.provider }, request.seconds);
  }

  observeFirstToken(route: string, provider: string, seconds: number): void {
    this.#firstToken.observe({ route, provider }, seconds);
  }

  observeTokens(provider: string, counts: TokenCounts): void {
    const add = (kind: string, value: number | null | undefined) => {
      if (value != null && value > 0) this.#tokens.inc({ provider, kind }, value);
    };
    add('input', counts.inputTokens);
    add('cached_input', counts.cachedInputTokens);
    add('output', counts.outputTokens);
    add('reasoning', counts.reasoningTokens);
  }

  observeUpstreamError(provider: string, code: string): void {
    this.#upstreamErrors.inc({ provider, code });
  }

  observeRefresh(provider: string, outcome: RefreshOutcome): void {
    this.#refreshes.inc({ provider, outcome });
  }

  observeCacheRead(kind: string, outcome: RequestCacheOutcome): void {
    this.#cacheReads.inc({ kind, outcome });
  }

  observeCacheInvalidation(): void {
    this.#cacheInvalidations.inc();
  }

  streamOpened(): void {
    this.#openStreams.inc();
  }

  streamClosed(): void {
    this.#openStreams.dec();
  }
}
