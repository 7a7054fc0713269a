import { type AppConnection, completeAppConnect, startAppConnect } from '@pag/client';

/** How the app names itself on the gateway's consent page and under Connected apps. */
export const APP_CLIENT_NAME = 'Notes example';

/** Where the gateway sends the browser back: this app's own origin, which also becomes its allowed origin. */
export function redirectUri(): string {
  return new URL('/connected', window.location.origin).href;
}

/** Step 1 of "Connect AI gateway": registers the app (dynamic registration) and leaves for the consent page. */
export async function beginAppConnect(gatewayUrl: string): Promise<void> {
  const { authorizationUrl } = await startAppConnect({
    gatewayUrl,
    clientName: APP_CLIENT_NAME,
    redirectUri: redirectUri(),
  });
  window.location.assign(authorizationUrl);
}

// The code and the PKCE verifier are single-use: React may run the page's effect twice (StrictMode), so the
// exchange for one callback address happens once and both runs share its outcome.
let finishing: { callbackUrl: string; result: Promise<AppConnection> } | null = null;

/** Step 2, on the redirect page: exchanges the code for the app's tokens. */
export function finishAppConnect(callbackUrl: string): Promise<AppConnection> {
  if (finishing?.callbackUrl !== callbackUrl) {
    finishing = { callbackUrl, result: completeAppConnect({ callbackUrl }) };
  }
  return finishing.result;
}
