import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { CODEX_FALLBACK_PORT } from '@pag/oauth-client';
import { GatewayError } from '../gateway-error.ts';

// Not `import { createServer } from 'node:http'`: an ES import of node:http builds its namespace from every export,
// and reading the WebSocket one loads Node's bundled undici (fetch, WebSocket: some 60 ms and a few MiB at start,
// issue 22) that nothing else in the server needs. The module object itself, as `require` would give it.
const { createServer } = process.getBuiltinModule('node:http');

export type CallbackOutcome = { ok: true } | { ok: false; message: string };

export type LoopbackCallbackServerOptions = {
  /** The configured redirect URI (`http://127.0.0.1:1455/auth/callback` by default); only its port may change. */
  redirectUri: string;
  /** Completes the sign-in for the redirect's parameters. */
  handleCallback: (parameters: URLSearchParams) => Promise<CallbackOutcome>;
  /** Where the success page links back to (the gateway's settings). */
  settingsUrl: string;
  /** True while any browser flow still waits for its redirect; the listener closes once none does. */
  hasPendingFlows: () => Promise<boolean>;
  log: { warn: (object: object, message: string) => void };
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);

/**
 * The one-shot listener for browser sign-in, as the official client runs it (docs/codex-protocol.md §1.3–1.4): it binds
 * 127.0.0.1 on the registered port (1455, else 1457) while browser flows are pending, takes
 * `/auth/callback?code&state`, shows a success page, and closes when no flow waits any more. One listener serves
 * every pending flow; the state in each redirect picks its flow, so concurrent sign-ins never mix.
 */
export class LoopbackCallbackServer {
  readonly #options: LoopbackCallbackServerOptions;
  #server: Server | null = null;
  #redirectUri: string | null = null;
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(options: LoopbackCallbackServerOptions) {
    this.#options = options;
  }

  /**
   * Whether a browser sign-in could take its redirect now: the listener is ours already, or one of the ports has
   * nobody listening. Probed by connecting, never by binding, so asking does not take a port from anyone.
   */
  async canReceiveRedirect(): Promise<boolean> {
    if (this.#server != null) return true;
    for (const port of this.#ports()) {
      if (!(await isSomeoneListening(port))) return true;
    }
    return false;
  }

  /** Starts listening if needed and returns the redirect URI to put in the authorize URL. */
  async ensureListening(): Promise<string> {
    if (this.#server != null && this.#redirectUri != null) return this.#redirectUri;
    const configured = new URL(this.#options.redirectUri);
    const ports = this.#ports();
    for (const port of ports) {
      const server = createServer((request, response) => {
        void this.#handle(request, response);
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (error) {
        if (
          (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ||
          (error as NodeJS.ErrnoException).code === 'EACCES'
        )
          continue;
        throw error;
      }
      const redirect = new URL(configured);
      redirect.port = String(port);
      this.#server = server;
      this.#redirectUri = redirect.toString();
      return this.#redirectUri;
    }
    throw new GatewayError(
      'loopback_port_busy',
      `Ports ${ports.join(' and ')} on 127.0.0.1 are in use (another Codex sign-in may be running), so browser sign-in ` +
        'cannot receive its redirect. Close the other sign-in, or use device code or paste sign-in instead.',
    );
  }

  /** Checks again after `delayMs` whether any flow still waits, and closes the listener if none does. */
  scheduleIdleCheck(delayMs: number): void {
    if (this.#idleTimer != null) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => void this.#closeIfIdle(delayMs), delayMs);
    this.#idleTimer.unref();
  }

  /** The idle check itself (a timer cannot await): a failed look at the flows keeps the listener and looks again. */
  async #closeIfIdle(delayMs: number): Promise<void> {
    this.#idleTimer = null;
    let hasPendingFlows = true;
    try {
      hasPendingFlows = await this.#options.hasPendingFlows();
    } catch (error) {
      this.#options.log.warn({ err: error }, 'could not tell whether browser sign-ins are pending');
    }
    // A sign-in started while we looked scheduled its own check: that one decides.
    if (this.#idleTimer != null) return;
    if (!hasPendingFlows) await this.close();
    else this.scheduleIdleCheck(delayMs);
  }

  async close(): Promise<void> {
    if (this.#idleTimer != null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    const server = this.#server;
    this.#server = null;
    this.#redirectUri = null;
    if (server == null) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The configured port, then the one other port registered upstream. */
  #ports(): number[] {
    const configured = Number(new URL(this.#options.redirectUri).port || 80);
    return [configured, CODEX_FALLBACK_PORT].filter((port, index, all) => all.indexOf(port) === index);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET') return this.#page(response, 405, 'Method not allowed', 'Only GET is served here.');
    if (url.pathname === '/auth/callback') {
      let outcome: CallbackOutcome;
      try {
        outcome = await this.#options.handleCallback(url.searchParams);
      } catch (error) {
        this.#options.log.warn({ err: error }, 'loopback sign-in callback failed');
        outcome = { ok: false, message: 'The sign-in could not be completed. Start again from the gateway.' };
      }
      if (outcome.ok) {
        response.writeHead(302, { location: '/success', 'cache-control': 'no-store' }).end();
      } else {
        this.#page(response, 400, 'Sign-in failed', outcome.message);
      }
      this.scheduleIdleCheck(1_000);
      return;
    }
    if (url.pathname === '/success') {
      return this.#page(
        response,
        200,
        'ChatGPT connected',
        'Your ChatGPT account is connected to the gateway. You can close this tab.',
        this.#options.settingsUrl,
      );
    }
    if (url.pathname === '/cancel') return this.#page(response, 200, 'Sign-in cancelled', 'You can close this tab.');
    return this.#page(response, 404, 'Not found', 'Nothing here.');
  }

  #page(response: ServerResponse, status: number, title: string, message: string, link?: string): void {
    const back = link == null ? '' : `<p><a href="${escapeHtml(link)}">Back to the gateway settings</a></p>`;
    response
      .writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        connection: 'close',
      })
      .end(
        `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
          '<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style>' +
          `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${back}</html>`,
      );
  }
}

/** How long a connection probe of a loopback port may take: a listener answers at once, a free port refuses at once. */
const PROBE_TIMEOUT_MS = 500;

/** True when something accepts connections on 127.0.0.1:`port`. */
function isSomeoneListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (isListening: boolean) => {
      socket.destroy();
      resolve(isListening);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
