import { readGoogleIdTokenClaims } from '@pag/oauth-client';
import { DEFAULT_FAKE_GOOGLE_CLIENT, type FakeGoogleOAuth, startFakeGoogleOAuth } from '@pag/testkit';
import { expect, it } from 'vitest';
import { backdateTokenReceipt } from '../../test/backdate-token-receipt.ts';
import { TEST_PASSWORD, type TestApp } from '../../test/build-test-app.ts';
import { findRefreshRequests } from '../../test/find-refresh-requests.ts';
import { googleOAuthEnvironment, useTestAppWithFake } from '../../test/use-test-app-with-fake.ts';
import { createUser } from '../accounts/create-user.ts';
import { GoogleTokenManager } from '../google/google-token-manager.ts';
import { saveGoogleClient } from '../google/save-google-client.ts';
import { saveGoogleConnection } from '../google/save-google-connection.ts';

// Issue 15 item 4: one token manager core for every provider. What the ChatGPT manager had alone — the refresh
// lease shared by processes through the row — now serves Google too (the managers' own tests cover the rest).
let google: FakeGoogleOAuth;
let test: TestApp;
useTestAppWithFake(startFakeGoogleOAuth, googleOAuthEnvironment, (started) => ({ fake: google, test } = started));

it('issue 15: should let one of two processes refresh a Google token while the other waits for its lease', async () => {
  const user = await createUser(test.connections, {
    email: 'owner@example.com',
    password: TEST_PASSWORD,
    isAdmin: true,
  });
  await saveGoogleClient(test.connections, {
    userId: user.id,
    clientId: DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
    clientSecret: DEFAULT_FAKE_GOOGLE_CLIENT.clientSecret,
  });
  const minted = await google.mintTokens({ accessTokenTtlSeconds: 60 });
  const row = await saveGoogleConnection(test.connections, {
    userId: user.id,
    tokens: {
      accessToken: minted.accessToken,
      refreshToken: minted.refreshToken ?? '',
      idToken: minted.idToken,
      expiresInSeconds: 60,
      scopes: minted.scopes,
    },
    claims: readGoogleIdTokenClaims(minted.idToken ?? ''),
  });
  // An hour-long token with a minute left, held for the rest of its hour: due for a refresh.
  await backdateTokenReceipt(test.connections, row.id, 3540);
  const tokenPath = new URL(google.tokenEndpoint).pathname;
  google.faults.push({ match: { path: tokenPath }, fault: { kind: 'delay', ms: 300 } });

  // Two managers share nothing in memory, as two processes (or replicas) on one database.
  const [first, second] = await Promise.all([
    new GoogleTokenManager(test.connections).getAccessToken(user.id),
    new GoogleTokenManager(test.connections).getAccessToken(user.id),
  ]);
  const refreshes = findRefreshRequests(google, tokenPath);
  expect(refreshes).toHaveLength(1);
  expect(first).not.toBe(minted.accessToken);
  expect(second).toBe(first);
});
