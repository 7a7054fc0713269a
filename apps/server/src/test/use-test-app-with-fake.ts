import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { buildTestApp, type TestApp } from './build-test-app.ts';

type ResettableFake = { reset(): void; close(): Promise<void> };

/**
 * The setup most server tests share: one fake upstream for the file, reset before each test, and a fresh test app
 * aimed at it. `expose` receives both before every test, so the file keeps plain `fake` and `test` variables:
 * `useTestAppWithFake(startFakeOpenAiAuth, (fake) => ({ GATEWAY_OPENAI_AUTH_URL: fake.url }), (s) => ({ fake, test } = s))`.
 */
export function useTestAppWithFake<Fake extends ResettableFake>(
  startFake: () => Promise<Fake>,
  environmentFor: (fake: Fake) => Record<string, string>,
  expose: (started: { fake: Fake; test: TestApp }) => void,
): void {
  let fake: Fake | undefined;
  let test: TestApp | undefined;
  beforeAll(async () => {
    fake = await startFake();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    if (fake == null) throw new Error('the fake did not start');
    fake.reset();
    test = await buildTestApp(environmentFor(fake));
    expose({ fake, test });
  });
  afterEach(async () => {
    await test?.close();
  });
}

/** Aims the test app's Google sign-in steps at the fake oauth2.googleapis.com. */
export function googleOAuthEnvironment(google: { tokenEndpoint: string; revocationEndpoint: string }) {
  return { GATEWAY_GOOGLE_TOKEN_URL: google.tokenEndpoint, GATEWAY_GOOGLE_REVOKE_URL: google.revocationEndpoint };
}
