import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { googleOAuthFake } from './google-oauth-fake.ts';

afterEach(closeAllFakeServers);

// The harness runs `pag-testkit serve google-oauth`; these are the fake's own flags.
describe('pag-testkit serve google-oauth flags', () => {
  const toOptions = (values: Record<string, string | boolean | string[]>) => googleOAuthFake.cli?.toOptions?.(values);

  it('should serve the given client, and print where the gateway finds it', async () => {
    const redirectUri = 'http://127.0.0.1:4000/api/connections/google/callback';
    const fake = await googleOAuthFake.start(
      toOptions({
        'auto-approve': true,
        'client-id': 'cli.apps.googleusercontent.com',
        'client-secret': 'GOCSPX-cli',
        'redirect-uri': [redirectUri],
      }),
    );

    const clients = (await (await fetch(`${fake.url}/__testkit/clients`)).json()) as { clients: unknown[] };

    expect(clients.clients).toEqual([
      { clientId: 'cli.apps.googleusercontent.com', clientSecret: 'GOCSPX-cli', redirectUris: [redirectUri] },
    ]);
    expect(fake.modes.autoApprove).toBe(true);
    expect(googleOAuthFake.cli?.banner?.(fake.url)).toContain(`GATEWAY_GOOGLE_AUTH_URL=${fake.url}/o/oauth2/v2/auth`);
  });

  it('should refuse a client id without its secret, and a redirect URI that is not a URL', async () => {
    expect(() => toOptions({ 'client-id': 'only-an-id' })).toThrow('--client-id and --client-secret go together');
    await expect(googleOAuthFake.start(toOptions({ 'redirect-uri': ['not a url'] }))).rejects.toThrow(
      '"clients[0].redirectUris" must hold absolute http(s) URLs, got "not a url"',
    );
  });
});
