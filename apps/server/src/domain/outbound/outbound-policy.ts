import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { loadUndici, type UpstreamTimeouts } from '@pag/providers';
import type { Agent, Dispatcher, fetch as undiciFetch } from 'undici';
import { GatewayError } from '../gateway-error.ts';
import { classifyUpstreamAddress } from './classify-upstream-address.ts';

/** Resolves a host name to every address it has (injected in tests, to make a name lead to loopback). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

const resolveWithSystem: ResolveHost = (hostname) => dns.lookup(hostname, { all: true });

/** What a refused user is told to do about it. */
const HOW_TO_ALLOW =
  'An admin of this gateway can allow private upstreams (for Ollama or LM Studio on this host or network) under ' +
  'Settings → Operator → "Allow private upstream addresses".';

/**
 * The gateway's rule for every upstream URL a user supplies (an OpenAI-compatible key's base URL): https to a
 * public address, unless an admin allows private upstreams (plain http and loopback, private, link-local,
 * unique-local and CGNAT addresses); cloud metadata addresses never (docs/security.md, "Server-side request
 * forgery").
 *
 * Checked twice: when a URL is saved (`checkUrl`, for a clear answer before anything is sent), and on every new
 * connection, on the address the connection really goes to: the policy's own undici `Agent` resolves host names
 * through a lookup that refuses a forbidden address, so a name that resolves elsewhere later (DNS rebinding) or a
 * redirect to an internal address is refused too. Requests to user-supplied upstreams go through `fetch` or
 * `dispatcher`, never the global agent.
 */
export class OutboundPolicy {
  readonly #allowPrivate: () => Promise<boolean>;
  readonly #resolve: ResolveHost;
  /** Made by the first request to a user-supplied upstream (with undici itself, @pag/providers' loadUndici). */
  #agent: Agent | undefined;
  #isClosed = false;

  readonly #timeouts: UpstreamTimeouts | undefined;

  constructor(options: {
    /** The admin's setting, read on every check (from the database): a change applies to the next connection. */
    allowPrivate: () => Promise<boolean>;
    resolve?: ResolveHost | undefined;
    /** The gateway's upstream timeouts (docs/security.md, "A slow or silent upstream holds connections"). */
    timeouts?: UpstreamTimeouts | undefined;
  }) {
    this.#allowPrivate = options.allowPrivate;
    this.#resolve = options.resolve ?? resolveWithSystem;
    this.#timeouts = options.timeouts;
  }

  /** The connection pool for user-supplied upstreams (undici `request`). */
  get dispatcher(): Dispatcher {
    if (this.#agent === undefined) {
      this.#agent = this.#createAgent();
      // Closed before its first request (a shutdown): refused as a pool closed after use refuses them.
      if (this.#isClosed) void this.#agent.close();
    }
    return this.#agent;
  }

  /** `fetch` through {@link dispatcher}, for adapters that take a fetch (the AI SDK, model lists). */
  readonly fetch: typeof globalThis.fetch = (input, init) =>
    // undici's fetch and the global one share the WHATWG shapes; only their TypeScript declarations differ.
    loadUndici().fetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: this.dispatcher,
    }) as unknown as Promise<Response>;

  /**
   * Refuses (`upstream_address_refused`) a URL the policy does not allow, resolving its host name: called before a
   * URL is saved. A name that does not resolve now passes: the key check that follows reports it.
   */
  async checkUrl(rawUrl: string): Promise<void> {
    const url = new URL(rawUrl);
    const allowPrivate = await this.#allowPrivate();
    const host = unbracket(url.hostname);
    const schemeRefusal = refuseScheme(url.protocol, allowPrivate);
    if (schemeRefusal != null) throw schemeRefusal;
    if (isIP(host) !== 0) {
      const refusal = refuseAddresses(null, [host], allowPrivate);
      if (refusal != null) throw refusal;
      return;
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.#resolve(host);
    } catch {
      return;
    }
    const refusal = refuseAddresses(
      host,
      addresses.map((entry) => entry.address),
      allowPrivate,
    );
    if (refusal != null) throw refusal;
  }

  /**
   * Starts a fresh connection pool, after an admin changed the setting: kept-alive connections made under the old
   * setting are not reused. Requests already running on the old pool finish there.
   */
  reset(): void {
    const previous = this.#agent;
    this.#agent = undefined;
    previous?.close().catch(() => {});
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    await this.#agent?.close();
  }

  #createAgent(): Agent {
    const { Agent, buildConnector } = loadUndici();
    const timeouts = this.#timeouts;
    // A custom connector carries its own connect timeout; the Agent's timers cover the first byte and silences.
    const connectChecked = buildConnector({
      lookup: this.#lookup,
      ...(timeouts == null ? {} : { timeout: timeouts.connectTimeoutMs }),
    });
    return new Agent({
      ...(timeouts == null ? {} : { headersTimeout: timeouts.firstByteTimeoutMs, bodyTimeout: timeouts.idleTimeoutMs }),
      // Literal addresses never reach a lookup (net.connect skips it), so they and the scheme are checked here.
      connect: (options, callback) => {
        this.#allowPrivate().then(
          (allowPrivate) => {
            const host = unbracket(options.hostname);
            const refusal =
              refuseScheme(options.protocol, allowPrivate) ??
              (isIP(host) === 0 ? null : refuseAddresses(null, [host], allowPrivate));
            if (refusal != null) {
              callback(refusal, null);
              return;
            }
            connectChecked(options, callback);
          },
          (error: Error) => callback(error, null),
        );
      },
    });
  }

  /**
   * `net.connect`'s lookup: resolves the name and refuses the connection when any of its addresses is forbidden
   * (an answer mixing a public and a private address is a rebinding trick, not a reason to pick the public one).
   */
  readonly #lookup: LookupFunction = (hostname, options, callback) => {
    Promise.all([this.#resolve(hostname), this.#allowPrivate()]).then(
      ([resolved, allowPrivate]) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : null;
        const addresses = resolved.filter((entry) => wanted == null || entry.family === wanted);
        const refusal = refuseAddresses(
          hostname,
          resolved.map((entry) => entry.address),
          allowPrivate,
        );
        const first = addresses[0];
        if (refusal != null || first == null) {
          const error = refusal ?? Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
          callback(error, options.all === true ? [] : '', 0);
        } else if (options.all === true) {
          callback(null, addresses);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all === true ? [] : '', 0),
    );
  };
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function refuseScheme(protocol: string, allowPrivate: boolean): GatewayError | null {
  if (protocol === 'https:') return null;
  if (protocol === 'http:') {
    if (allowPrivate) return null;
    return new GatewayError(
      'upstream_address_refused',
      `The upstream URL uses plain http, which this gateway does not send keys over: use https. ${HOW_TO_ALLOW}`,
    );
  }
  return new GatewayError('upstream_address_refused', `The upstream URL must be http(s), not ${protocol}`);
}

/** The refusal for the first forbidden address among a host's addresses, or null when all are allowed. */
function refuseAddresses(hostname: string | null, addresses: string[], allowPrivate: boolean): GatewayError | null {
  for (const address of addresses) {
    const verdict = classifyUpstreamAddress(address);
    if (verdict.kind === 'public' || (verdict.kind === 'private' && allowPrivate)) continue;
    const where =
      hostname == null
        ? `The upstream address ${address} is ${verdict.rule}`
        : `The upstream host ${hostname} resolves to ${address}, ${verdict.rule}`;
    const advice =
      verdict.kind === 'metadata'
        ? 'The gateway never calls it: it hands out the credentials of the machine the gateway runs on.'
        : `This gateway calls only public addresses. ${HOW_TO_ALLOW}`;
    return new GatewayError('upstream_address_refused', `${where}. ${advice}`);
  }
  return null;
}
