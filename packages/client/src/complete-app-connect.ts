import * as oauth from 'oauth4webapi';
import type { AppConnection } from './app-connection.ts';
import { discoverAuthorizationServer, oauthRequestOptions } from './discover-authorization-server.ts';
import { GatewayClientError } from './gateway-client-error.ts';
import { type ConnectStorage, resolveConnectStorage, takePendingConnect } from './pending-app-connect.ts';
import { connectError } from './start-app-connect.ts';

export type CompleteAppConnectOptions = {
  /** The URL the gateway sent the user back to (`location.href` on the redirect page). */
  callbackUrl: string;
  /** The same storage {@link startAppConnect} was given; `sessionStorage` by default. */
  storage?: ConnectStorage;
  fetch?: typeof fetch;
  now?: () => number;
};

/**
 * Step two of "Connect AI gateway", on the redirect page: checks the callback's `state` against the connect this
 * browser started (single-use: a second call with the same callback fails) and the issuer, exchanges the code with
 * the PKCE verifier, and returns the connection for the app to persist and give to `createGatewayClient({ app })`.
 */
export async function completeAppConnect(options: CompleteAppConnectOptions): Promise<AppConnection> {
  const storage = resolveConnectStorage(options.storage);
  const now = options.now ?? Date.now;
  const callback = new URL(options.callbackUrl);
  const state = callback.searchParams.get('state');
  const pending = state == null ? null : takePendingConnect(storage, state, now());
  if (pending == null) {
    throw new GatewayClientError({
      status: null,
      code: 'invalid_state',
      message:
        'This sign-in answer does not belong to a connect started here (already used, expired, or forged): start the connect again.',
      retryAfter: null,
    });
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const doFetch: typeof fetch = (input, init) => fetchImpl(input, init);
  try {
    const as = await discoverAuthorizationServer(pending.gatewayUrl, doFetch);
    const client: oauth.Client = { client_id: pending.clientId, token_endpoint_auth_method: 'none' };
    const parameters = oauth.validateAuthResponse(as, client, callback, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      parameters,
      pending.redirectUri,
      pending.codeVerifier,
      oauthRequestOptions(pending.gatewayUrl, doFetch),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    return {
      gatewayUrl: pending.gatewayUrl,
      clientId: pending.clientId,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? null,
      expiresAt: tokens.expires_in == null ? null : now() + tokens.expires_in * 1000,
      scope: tokens.scope ?? '',
    };
  } catch (error) {
    throw connectError(pending.gatewayUrl, error);
  }
}
