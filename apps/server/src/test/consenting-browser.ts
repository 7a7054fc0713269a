import type { AuthorizationRequestView } from '@pag/contracts';

type StoredCookie = { value: string; path: string };

export type ConsentOutcome = {
  /** Where the authorization server finally sent the browser: the app's redirect URI with code or error. */
  callbackUrl: URL;
  /** What the consent page showed (null when the server answered without asking, e.g. an error redirect). */
  view: AuthorizationRequestView | null;
};

/**
 * The browser leg of an MCP authorization, over plain HTTP, as a signed-in gateway user would do it: open the
 * authorization URL, land on the consent page, read what it shows, approve or deny (session cookie + CSRF token),
 * follow the redirects back to the app's callback. Cookies are kept per path like a browser does, so the
 * interaction and resume cookies oidc-provider scopes to their pages reach exactly those pages.
 *
 * Shared by the server's OAuth tests and the conformance runs (the MCP conformance suite prints an authorization
 * URL and waits for its callback to be hit: this completes it headlessly).
 */
export class ConsentingBrowser {
  readonly #cookies = new Map<string, StoredCookie>();
  #csrfToken: string | null = null;

  /** `session` is a signed-in gateway user (`pag_session=…` cookie and CSRF token); omit it for a signed-out browser. */
  constructor(session?: { cookie: string; csrfToken: string }) {
    if (session != null) this.signInAs(session);
  }

  /** Replaces the gateway sign-in (another user signs in in this browser); other cookies stay. */
  signInAs(session: { cookie: string; csrfToken: string }): void {
    this.#csrfToken = session.csrfToken;
    for (const pair of session.cookie.split(';')) {
      const [name, ...value] = pair.trim().split('=');
      if (name != null && name !== '') this.#cookies.set(name, { value: value.join('='), path: '/' });
    }
  }

  /** One request with this browser's cookies; redirects are returned, not followed. */
  async request(url: string | URL, init: { method?: string; body?: unknown; csrf?: boolean } = {}): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.#cookies.entries()]
      .filter(
        ([, stored]) =>
          target.pathname === stored.path ||
          target.pathname.startsWith(`${stored.path.replace(/\/$/, '')}/`) ||
          stored.path === '/',
      )
      .map(([name, stored]) => `${name}=${stored.value}`)
      .join('; ');
    const response = await fetch(target, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        ...(cookie === '' ? {} : { cookie }),
        ...(init.body == null ? {} : { 'content-type': 'application/json' }),
        ...(init.csrf === true && this.#csrfToken != null ? { 'x-csrf-token': this.#csrfToken } : {}),
      },
      ...(init.body == null ? {} : { body: JSON.stringify(init.body) }),
    });
    for (const line of response.headers.getSetCookie()) this.#store(line);
    return response;
  }

  /**
   * Completes an authorization request: approve (default) or deny on the consent page. Throws with the server's
   * answer when a step fails where a browser would have shown an error page.
   */
  async authorize(authorizationUrl: string | URL, options: { approve?: boolean } = {}): Promise<ConsentOutcome> {
    const start = await this.request(authorizationUrl);
    const firstHop = this.#location(start, authorizationUrl);
    if (!firstHop.pathname.startsWith('/oauth/interaction/')) return { callbackUrl: firstHop, view: null };
    const page = await this.request(firstHop);
    // The settings UI may not be built in server-only test runs (503); the page's API is what matters here.
    if (page.status !== 200 && page.status !== 503) throw new Error(`consent page answered ${page.status}`);
    await page.arrayBuffer();
    const details = await this.request(`${firstHop.href}/details`);
    if (details.status !== 200) throw new Error(`consent details answered ${details.status}: ${await details.text()}`);
    const view = (await details.json()) as AuthorizationRequestView;
    const decision = await this.request(`${firstHop.href}/decision`, {
      method: 'POST',
      body: { approve: options.approve ?? true },
      csrf: true,
    });
    if (decision.status !== 200)
      throw new Error(`consent decision answered ${decision.status}: ${await decision.text()}`);
    const { redirectTo } = (await decision.json()) as { redirectTo: string };
    let next = new URL(redirectTo, firstHop);
    // The resume step answers with a redirect to the app's callback (possibly via one more hop of our own).
    for (let hop = 0; hop < 5; hop += 1) {
      if (next.origin !== firstHop.origin || !next.pathname.startsWith('/oauth/')) return { callbackUrl: next, view };
      next = this.#location(await this.request(next), next);
    }
    throw new Error('too many redirects after the consent decision');
  }

  #location(response: Response, base: string | URL): URL {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location == null) {
      throw new Error(`expected a redirect from ${String(base)}, got ${response.status}`);
    }
    return new URL(location, base);
  }

  #store(line: string): void {
    const [pair, ...attributes] = line.split(';');
    const separator = pair?.indexOf('=') ?? -1;
    if (pair == null || separator < 0) return;
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const path = attributes.map((attribute) => attribute.trim()).find((attribute) => /^path=/i.test(attribute));
    const expired = attributes.some(
      (attribute) => /^expires=Thu, 01 Jan 1970/i.test(attribute.trim()) || /^max-age=0/i.test(attribute.trim()),
    );
    if (expired || value === '') this.#cookies.delete(name);
    else this.#cookies.set(name, { value, path: path?.slice(5) ?? '/' });
  }
}
