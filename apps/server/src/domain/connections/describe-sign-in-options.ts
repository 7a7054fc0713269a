import type { SignInOptions } from '@pag/contracts';

/** What the gateway knows about where it runs, for choosing the ChatGPT sign-in (config.ts). */
export type SignInEnvironment = {
  /** `GATEWAY_BROWSER_SIGN_IN`: `auto` decides from the facts below, `on` and `off` say so outright. */
  browserSignIn: 'auto' | 'on' | 'off';
  /** Docker's or Podman's marker file is there: the gateway's 127.0.0.1 is the container's own. */
  runsInContainer: boolean;
  /** The address users open (`GATEWAY_PUBLIC_URL`). */
  publicUrl: URL;
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Which sign-in to recommend. Browser sign-in ends with OpenAI sending the browser to
 * `http://127.0.0.1:1455/auth/callback` (docs/codex-protocol.md §1.3): that reaches the gateway only when the
 * browser runs on the gateway's own machine, outside any container (compose publishes 8787, never 1455), and the
 * port is free. Otherwise the device code is recommended; paste always works. Pure: the caller probes the port.
 *
 * @param isCallbackPortFree whether 127.0.0.1:1455 (or its fallback 1457) could take the redirect now
 */
export function describeSignInOptions(environment: SignInEnvironment, isCallbackPortFree: boolean): SignInOptions {
  const reason = browserUnavailableReason(environment, isCallbackPortFree);
  return {
    recommended: reason == null ? 'browser' : 'device',
    browser: { isAvailable: reason == null, reason },
    runsInContainer: environment.runsInContainer,
  };
}

function browserUnavailableReason(environment: SignInEnvironment, isCallbackPortFree: boolean): string | null {
  if (environment.browserSignIn === 'off') {
    return 'This gateway is set up without browser sign-in: OpenAI’s redirect to port 1455 cannot reach it.';
  }
  if (!isCallbackPortFree) {
    return 'Ports 1455 and 1457 on the gateway’s machine are taken (another sign-in may be running), so the redirect cannot come back.';
  }
  if (environment.browserSignIn === 'on') return null;
  if (environment.runsInContainer) {
    return 'The gateway runs in a container: OpenAI sends your browser to port 1455 of your computer, which does not reach inside it.';
  }
  if (!LOOPBACK_HOSTS.has(environment.publicUrl.hostname)) {
    return 'The gateway runs on another machine: OpenAI sends your browser to port 1455 of your own computer, not to the gateway.';
  }
  return null;
}
