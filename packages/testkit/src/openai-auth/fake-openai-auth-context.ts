import type { Router } from '../create-router.ts';
import type { FakeOpenAiAuthStore } from './create-fake-openai-auth-store.ts';
import type { FakeOpenAiAccount } from './fake-openai-account.ts';

/** What every route group of the fake shares. */
export type FakeOpenAiAuthContext = {
  router: Router;
  store: FakeOpenAiAuthStore;
  accounts: readonly FakeOpenAiAccount[];
  /** The fake's base URL, known once it listens. Not the JWT issuer: that is always the real one. */
  getBaseUrl: () => string;
  /** Sent as a string, because Codex's parser only accepts one (docs/codex-protocol.md §1.6). */
  deviceInterval: string;
};
