import { DEFAULT_FAKE_GOOGLE_CLIENT, type FakeGoogleOAuth, startFakeGoogleOAuth } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../../test/build-test-app.ts';

// Issue 17: a sign-in that fails for a technical reason says so in one plain sentence; the upstream's own words
// ("unexpected JWT "iss" (issuer) claim value") travel separately, for the settings page's "Details" fold.
let google: FakeGoogleOAuth;
let test: TestApp;
let owner: SignedInClient;

beforeAll(async () => {
  // A Google that signs its id_token with an issuer the client does not expect.
  google = await startFakeGoogleOAuth({ autoApprove: true, issuer: 'https://accounts.impostor.example' });
  test = await buildTestApp({
    GATEWAY_PUBLIC_URL: 'http://127.0.0.1:3000',
    GATEWAY_GOOGLE_AUTH_URL: google.authorizationEndpoint,
    GATEWAY_GOOGLE_TOKEN_URL: google.tokenEndpoint,
    GATEWAY_GOOGLE_REVOKE_URL: google.revocationEndpoint,
  });
  owner = await signInNewUser(test);
});
afterAll(async () => {
  await test?.close();
  await google?.close();
});

function api(method: 'POST' | 'PUT', url: string, payload?: object) {
  return test.app.inject({
    method,
    url,
    headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
    ...(payload == null ? {} : { payload }),
  });
}

describe('issue 17: sign-in errors in plain words', () => {
  it('issue 17: a Google token answer that fails its checks lands as a sentence, the JWT words kept apart', async () => {
    const client = DEFAULT_FAKE_GOOGLE_CLIENT;
    const saved = await api('PUT', '/api/connections/google/client', {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const started = await api('POST', '/api/connections/google/sign-in');
    expect(started.statusCode, started.body).toBe(201);
    const atGoogle = await fetch(started.json().authorizeUrl, { redirect: 'manual' });
    const callback = new URL(atGoogle.headers.get('location') ?? '');
    const landing = await test.app.inject({
      method: 'GET',
      url: `${callback.pathname}${callback.search}`,
      headers: { cookie: owner.cookie },
    });
    expect(landing.statusCode).toBe(303);
    const outcome = new URL(landing.headers.location as string, 'http://127.0.0.1:3000').searchParams;
    expect(outcome.get('google_error')).toBe('The Google sign-in could not be completed: start it again.');
    expect(outcome.get('google_error_details')).toMatch(/iss/);
  });
});
