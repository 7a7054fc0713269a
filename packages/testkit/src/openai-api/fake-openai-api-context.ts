import type { Router } from '../create-router.ts';
import type { FakeClientClose } from './fake-client-close.ts';
import type { FakeOpenAiModel } from './fake-openai-model.ts';
import type { FakeOpenAiScenario } from './fake-openai-scenario.ts';

/** What every route group of the fake shares. */
export type FakeOpenAiApiContext = {
  router: Router;
  models: readonly FakeOpenAiModel[];
  apiKeys: ReadonlySet<string>;
  /** The next queued scenario, or the default one when the queue is empty. */
  takeScenario(): FakeOpenAiScenario;
  /** A zero-padded counter shared by every id of one answer, so fixtures stay stable. */
  nextSerial(): string;
  now(): number;
  chunkCount: number;
  perChunkDelayMs: number;
  shouldRejectUnknownParameters: boolean;
  /** Ids of responses created with `store` on, for `previous_response_id`. */
  storedResponseIds: Set<string>;
  clientCloses: FakeClientClose[];
};
