import { openAiAuthFake } from './openai-auth-fake.ts';

export type { FakeOpenAiAuthOptions } from './create-fake-openai-auth-store.ts';

/** Starts the fake auth.openai.com; what other packages import (codex-backend verifies its tokens with `jwks`). */
export const startFakeOpenAiAuth = openAiAuthFake.start;
export type FakeOpenAiAuth = Awaited<ReturnType<typeof startFakeOpenAiAuth>>;
