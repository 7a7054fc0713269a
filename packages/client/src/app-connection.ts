/**
 * What a note app keeps after "Connect AI gateway" (persist it, e.g. in the app's settings store): the gateway it
 * connected to, the OAuth client it connected as, and the tokens. The client refreshes the access token by itself
 * and hands every new version (refresh tokens rotate: the old one stops working) to `onConnectionChange`.
 */
export type AppConnection = {
  /** The gateway's base URL, e.g. `https://gateway.example.com`. */
  gatewayUrl: string;
  /** The OAuth client id the app connected as (dynamically registered or pre-registered). */
  clientId: string;
  accessToken: string;
  /** Null when the gateway granted none: the app must connect again when the access token expires. */
  refreshToken: string | null;
  /** When the access token expires, in milliseconds since the epoch (`Date.now()` scale); null when unknown. */
  expiresAt: number | null;
  /** The granted scopes, space-separated (`ai`). */
  scope: string;
};
