import type { Router } from '../create-router.ts';
import type { FakeClientClose } from '../openai-api/fake-client-close.ts';
import type { FakeGeminiCaller, VerifyAccessToken } from './authorize-gemini-request.ts';
import type { ThoughtSignatureRegistry } from './create-thought-signature-registry.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import type { FakeGeminiScenario } from './fake-gemini-scenario.ts';

/** What every route group of the fake shares. */
export type FakeGeminiApiContext = {
  router: Router;
  models: readonly FakeGeminiModel[];
  apiKeys: ReadonlySet<string>;
  verifyAccessToken: VerifyAccessToken | undefined;
  takeScenario(): FakeGeminiScenario;
  nextSerial(): string;
  now(): number;
  chunkCount: number;
  perChunkDelayMs: number;
  signatures: ThoughtSignatureRegistry;
  clientCloses: FakeClientClose[];
  callers: FakeGeminiCaller[];
};
