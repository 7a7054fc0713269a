import type { SignInMethod, SignInOptions } from '@pag/contracts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export type SignInRecommendation = {
  recommended: SignInMethod;
  /** The methods in the order to offer them: the recommended one first, then the others (always all three). */
  order: SignInMethod[];
  /** Why browser sign-in would not come back to the gateway from here; null when it would. */
  browserProblem: string | null;
};

/**
 * Which ChatGPT sign-in to recommend, from what the server knows (a container, another host, a busy port: issue
 * 17) and where this page is open: browser sign-in ends at `127.0.0.1:1455` of the machine the browser runs on, so
 * it also needs the page to be on the gateway's own machine. While the server has not answered, the page's own
 * address decides.
 */
export function recommendSignIn(options: SignInOptions | null, pageHostname: string): SignInRecommendation {
  const browserProblem =
    options != null && !options.browser.isAvailable
      ? (options.browser.reason ?? 'Browser sign-in cannot come back to this gateway.')
      : LOOPBACK_HOSTS.has(pageHostname)
        ? null
        : 'This page is open on another machine than the gateway: OpenAI would send your browser to port 1455 of this device, not to the gateway.';
  const recommended: SignInMethod = browserProblem == null ? 'browser' : 'device';
  const order: SignInMethod[] =
    recommended === 'browser' ? ['browser', 'device', 'paste'] : ['device', 'paste', 'browser'];
  return { recommended, order, browserProblem };
}
