import type { Router } from '../create-router.ts';
import type { RecordedRequest } from '../request-recorder.ts';
import type { FakeCodexTokenRejection } from './authorize-codex-request.ts';
import type { CodexExchangeLog } from './create-codex-exchange-log.ts';
import type { FakeCodexModelOptions } from './fake-codex-model.ts';
import type { FakeCodexRateLimits } from './fake-codex-rate-limits.ts';
import type { ResolvedFakeCodexScenario } from './fake-codex-scenario.ts';
import type { FakeCodexAccessTokenVerifier } from './read-codex-token-claims.ts';

/** What a test can change while the fake runs; `reset()` restores the starting values. */
export type FakeCodexBackendState = {
  models: FakeCodexModelOptions[];
  rateLimits: FakeCodexRateLimits;
  defaultScenario: ResolvedFakeCodexScenario;
  /** Taken one per accepted `/responses` request, before the default applies. */
  queue: ResolvedFakeCodexScenario[];
  rejections: FakeCodexTokenRejection[];
  /** The real catalogue at times answers an empty list (docs/codex-protocol.md §5.6); true serves `{"models":[]}`. */
  servesEmptyCatalogue: boolean;
};

/** What every route group of the fake shares. */
export type FakeCodexBackendContext = {
  router: Router;
  state: FakeCodexBackendState;
  log: CodexExchangeLog;
  verifyAccessToken: FakeCodexAccessTokenVerifier;
  unsupportedParameters: readonly string[];
  now: () => number;
  createId: (prefix: string) => string;
  /** The recorder's entry for a request, found by its body buffer (the handler and recorder share it). */
  findRecorded: (rawBody: Buffer) => RecordedRequest | undefined;
};
