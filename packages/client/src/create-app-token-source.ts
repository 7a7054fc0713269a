import * as oauth from 'oauth4webapi';
import type { AppConnection } from './app-connection.ts';
import { discoverAuthorizationServer, oauthRequestOptions } from './discover-authorization-server.ts';
import { GatewayClientError } from './gateway-client-error.ts';

/** Refresh this long before the access token's stated expiry, so a request never leaves with a dying token. */
const EXPIRY_MARGIN_MS = 30_000;

export type AppTokenSource = {
  /** A current access token, refreshed first when it has expired (or is about to). */
  accessToken(): Promise<string>;
  /**
   * The gateway rejected `rejected` (401 `invalid_token`): a fresh token, refreshed unless another request already
   * replaced that one.
   */
  replaceRejected(rejected: string): Promise<string>;
};

/**
 * The access tokens of an app connection. Refreshes are single-flight: refresh tokens rotate, so two refreshes
 * racing with the same refresh token would cost the app its connection (the second is a replay the gateway
 * punishes by revoking the grant).
 */
export function createAppTokenSource(options: {
  connection: AppConnection;
  onConnectionChange?: (connection: AppConnection) => void;
  fetch: typeof fetch;
  now?: () => number;
}): AppTokenSource {
  const now = options.now ?? Date.now;
  let current = options.connection;
  let refreshing: Promise<AppConnection> | null = null;
  let authorizationServer: Promise<oauth.AuthorizationServer> | null = null;

  const refresh = (): Promise<AppConnection> => {
    refreshing ??= refreshConnection().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  async function refreshConnection(): Promise<AppConnection> {
    const { gatewayUrl, clientId, refreshToken } = current;
    if (refreshToken == null) throw disconnected('the connection has no refresh token and its access token expired');
    const requestOptions = oauthRequestOptions(gatewayUrl, options.fetch);
    try {
      authorizationServer ??= discoverAuthorizationServer(gatewayUrl, options.fetch).catch((error: unknown) => {
        authorizationServer = null;
        throw error;
      });
      const as = await authorizationServer;
      const client: oauth.Client = { client_id: clientId, token_endpoint_auth_method: 'none' };
      const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, requestOptions);
      const tokens = await oauth.processRefreshTokenResponse(as, client, response);
      current = {
        ...current,
        accessToken: tokens.access_token,
        // A gateway that does not rotate keeps the old one valid.
        refreshToken: tokens.refresh_token ?? refreshToken,
        expiresAt: tokens.expires_in == null ? null : now() + tokens.expires_in * 1000,
        scope: tokens.scope ?? current.scope,
      };
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) {
        // invalid_grant: the refresh token was revoked (the user disconnected the app) or has expired.
        throw disconnected(error.error_description ?? error.error, error);
      }
      if (error instanceof GatewayClientError) throw error;
      throw GatewayClientError.network(gatewayUrl, error);
    }
    options.onConnectionChange?.(current);
    return current;
  }

  return {
    async accessToken() {
      if (refreshing != null) return (await refreshing).accessToken;
      if (current.expiresAt != null && current.expiresAt - EXPIRY_MARGIN_MS <= now()) {
        return (await refresh()).accessToken;
      }
      return current.accessToken;
    },
    async replaceRejected(rejected) {
      if (refreshing != null) return (await refreshing).accessToken;
      if (current.accessToken !== rejected) return current.accessToken;
      return (await refresh()).accessToken;
    },
  };
}

function disconnected(detail: string, cause?: unknown): GatewayClientError {
  return new GatewayClientError({
    status: 401,
    code: 'unauthenticated',
    message: `The gateway no longer accepts this app’s connection (${detail}): connect the app again.`,
    retryAfter: null,
    cause,
  });
}
