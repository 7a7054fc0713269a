import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { findFreeLoopbackPort } from '../find-free-loopback-port.ts';
import { get } from '../oauth-server/oauth-test-support.ts';
import { OPENAI_CODEX_CLIENT_ID, OPENAI_ISSUER } from './openai-auth-constants.ts';
import { startFakeOpenAiAuth } from './openai-auth-fake.ts';
import { CODEX_REDIRECT_URI, CODEX_SCOPE } from './test-support.ts';

afterEach(closeAllFakeServers);

// A well-kept, spec-strict client: if it accepts the fake, the fake speaks standard OAuth 2.0 + PKCE + OIDC.
describe('startFakeOpenAiAuth with oauth4webapi', () => {
  it('should complete discovery, a PKCE code exchange, a refresh and a revocation', async () => {
    // Standard discovery needs the issuer to equal the URL it is fetched from, so this fake is told to sign its own.
    const port = await findFreeLoopbackPort();
    const fake = await startFakeOpenAiAuth({ autoApprove: true, port, issuer: `http://127.0.0.1:${port}` });
    const issuer = new URL(fake.url);
    // The fake is plain HTTP on loopback; production talks HTTPS.
    const insecure = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const client: oauth.Client = { client_id: OPENAI_CODEX_CLIENT_ID };
    const clientAuth = oauth.None();
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();

    const authorizeUrl = new URL(as.authorization_endpoint ?? '');
    authorizeUrl.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: CODEX_REDIRECT_URI,
      scope: CODEX_SCOPE,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    }).toString();
    const redirect = await get(authorizeUrl.toString());
    const callback = oauth.validateAuthResponse(as, client, new URL(redirect.headers.get('location') ?? ''), state);
    const codeResponse = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth,
        callback,
        CODEX_REDIRECT_URI,
        codeVerifier,
        insecure,
      ),
    );

    expect(codeResponse.token_type).toBe('bearer');
    expect(oauth.getValidatedIdTokenClaims(codeResponse)).toMatchObject({ iss: fake.url, email: 'user@example.com' });
    const [exchange] = fake.findRequests({ method: 'POST', path: '/oauth/token' });
    expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(exchange?.form).toMatchObject({ grant_type: 'authorization_code', client_id: OPENAI_CODEX_CLIENT_ID });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, codeResponse.refresh_token ?? '', insecure),
    );
    expect(refreshed.refresh_token).not.toBe(codeResponse.refresh_token);
    expect(refreshed.expires_in).toBe(864000);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token ?? '', insecure),
    );
    expect(fake.issuedTokens.map((tokens) => tokens.refreshTokenStatus)).toEqual(['invalidated', 'invalidated']);
    await fake.close();
  });

  it('issue 14: should need to be told the real issuer when the fake signs it, as behind any proxy', async () => {
    const fake = await startFakeOpenAiAuth({ autoApprove: true, issuer: OPENAI_ISSUER });
    const insecure = { [oauth.allowInsecureRequests]: true };
    const discover = (expected: string) =>
      oauth
        .discoveryRequest(new URL(fake.url), insecure)
        .then((response) => oauth.processDiscoveryResponse(new URL(expected), response));

    // Configured with the URL it reaches, a spec-strict client refuses the server outright...
    await expect(discover(fake.url)).rejects.toThrow(/"issuer" property does not match/);
    // ...and told the real issuer, it accepts the id_token the fake signed with it.
    const as = await discover('https://auth.openai.com');
    const client: oauth.Client = { client_id: OPENAI_CODEX_CLIENT_ID };
    const tokens = await fake.mintTokens();
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refreshToken, insecure),
    );
    expect(oauth.getValidatedIdTokenClaims(refreshed)).toMatchObject({ iss: 'https://auth.openai.com' });
  });
});
