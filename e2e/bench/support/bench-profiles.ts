import type { BenchUpstreamOptions } from '@pag/testkit';

/**
 * The upstreams the bench runs against, each a bench upstream of its own (one gateway user holds one
 * OpenAI-compatible key, so a profile is a base URL, not a request option):
 * - `instant`: 16 deltas back to back, no delay — every millisecond measured is the client's or the relay's;
 * - `paced`: 10 stamped deltas 5 ms apart — each chunk's relay delay is measured on its own;
 * - `held`: 10 deltas 100 ms apart — streams that stay open about a second, so N at once really are N at once.
 */
export const UPSTREAM_PROFILES = {
  instant: { chunkCount: 16 },
  paced: { chunkCount: 10, chunkDelayMs: 5, stampChunks: true },
  held: { chunkCount: 10, chunkDelayMs: 100 },
} as const satisfies Record<string, BenchUpstreamOptions>;

export type UpstreamProfile = keyof typeof UPSTREAM_PROFILES;

/** The Codex fake answers with as many deltas as the instant profile, so both paths relay the same amount. */
export const CODEX_DELTA_COUNT = 16;
export const CODEX_MODEL = 'gpt-5.4';
export const OPENAI_MODEL = 'gpt-bench';

/** What the upstream process prints once every fake listens: the line starts with this, then JSON. */
export const UPSTREAMS_READY_PREFIX = 'BENCH_UPSTREAMS ';

export type UpstreamUrls = {
  /** Base URLs (`…/v1`) per profile. */
  profiles: Record<UpstreamProfile, string>;
  apiKey: string;
  /** The Codex fake's ChatGPT base (`…/backend-api`) and its root, for the test hooks. */
  codexBaseUrl: string;
  codexUrl: string;
  /** The fake auth.openai.com (auto-approving sign-ins). */
  authUrl: string;
};
