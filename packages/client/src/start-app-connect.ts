import * as oauth from 'oauth4webapi';
import { discoverAuthorizationServer, oauthRequestOptions } from './discover-authorization-server.ts';
import { GatewayClientError } from './gateway-client-error.ts';
import { type ConnectStorage, resolveConnectStorage, savePendingConnect } from './pending-app-connect.ts';

export type StartAppConnectOptions = {
  /** The gateway's base URL, as the user typed it in the app's settings. */
  gatewayUrl: string;
  /** Shown to the user on the gateway's consent page and in its Connected apps. */
  clientName: string;
  /** Where the gateway sends the user back: a page of the app that calls {@link completeAppConnect}. */
  redirectUri: string;
  /** A client registered beforehand (`pnpm gateway app register`) or by an earlier connect; else one is registered. */
  clientId?: string;
  /** Space-separated scopes to ask for; `ai` by default. */
  scope?: string;
  /** Keeps the state and PKCE verifier until the user is back; `sessionStorage` by default. */
  storage?: ConnectStorage;
  fetch?: typeof fetch;
  now?: () => number;
};

/**
 * Step one of "Connect AI gateway": OAuth 2.1 authorization code with PKCE S256 against the gateway's own
 * authorization server (docs/client-sdk.md §3). Discovers the server, registers the app as a public client when
 * no `clientId` is given, keeps a fresh state and code verifier in `storage`, and returns the URL to send the user
 * to (`location.assign(authorizationUrl)`).
 */
export async function startAppConnect(
  options: StartAppConnectOptions,
): Promise<{ authorizationUrl: string; clientId: string; state: string }> {
  const storage = resolveConnectStorage(options.storage);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const doFetch: typeof fetch = (input, init) => fetchImpl(input, init);
  const scope = options.scope ?? 'ai';
  const requestOptions = oauthRequestOptions(options.gatewayUrl, doFetch);
  try {
    const as = await discoverAuthorizationServer(options.gatewayUrl, doFetch);
    if (as.authorization_endpoint == null)
      throw new Error('the gateway’s OAuth metadata has no authorization endpoint');
    if (!(as.code_challenge_methods_supported ?? []).includes('S256')) {
      throw new Error('the gateway’s OAuth server does not offer PKCE S256');
    }
    let clientId = options.clientId;
    if (clientId == null) {
      const response = await oauth.dynamicClientRegistrationRequest(
        as,
        {
          client_name: options.clientName,
          redirect_uris: [options.redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          scope,
        },
        requestOptions,
      );
      clientId = (await oauth.processDynamicClientRegistrationResponse(response)).client_id;
    }
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('redirect_uri', options.redirectUri);
    url.searchParams.set('scope', scope);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    savePendingConnect(storage, {
      gatewayUrl: options.gatewayUrl,
      clientId,
      redirectUri: options.redirectUri,
      state,
      codeVerifier,
      startedAt: (options.now ?? Date.now)(),
    });
    return { authorizationUrl: url.toString(), clientId, state };
  } catch (error) {
    throw connectError(options.gatewayUrl, error);
  }
}

/** Any failure of a connect step as the client's typed error: what the gateway said, or that it was unreachable. */
export function connectError(gatewayUrl: string, error: unknown): GatewayClientError {
  if (error instanceof GatewayClientError) return error;
  if (error instanceof oauth.AuthorizationResponseError) {
    return new GatewayClientError({
      status: null,
      code: error.error === 'access_denied' ? 'access_denied' : 'connect_failed',
      message:
        error.error === 'access_denied'
          ? 'The connection was not allowed on the gateway.'
          : `The gateway refused the connection: ${error.error_description ?? error.error}`,
      retryAfter: null,
      cause: error,
    });
  }
  if (error instanceof oauth.ResponseBodyError) {
    return new GatewayClientError({
      status: error.status,
      code: 'connect_failed',
      message: `The gateway refused the connection: ${error.error_description ?? error.error}`,
      retryAfter: null,
      cause: error,
    });
  }
  if (error instanceof TypeError && !(error instanceof oauth.OperationProcessingError)) {
    // fetch rejects with a TypeError when the gateway cannot be reached (or, in a browser, refuses CORS).
    return GatewayClientError.network(gatewayUrl, error);
  }
  return new GatewayClientError({
    status: null,
    code: 'connect_failed',
    message: `Could not connect to the gateway at ${gatewayUrl}: ${(error as Error)?.message ?? String(error)}`,
    retryAfter: null,
    cause: error,
  });
}
