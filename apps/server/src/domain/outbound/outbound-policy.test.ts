import { createServer, type Server } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../gateway-error.ts';
import { OutboundPolicy, type ResolveHost } from './outbound-policy.ts';

// The connect-time half of the policy, below the HTTP API: whatever the URL said when it was saved, the address a
// connection goes to is checked when the connection is made.

let server: Server;
let port: number;
let requests = 0;

beforeAll(async () => {
  server = createServer((incoming, response) => {
    requests += 1;
    if (incoming.url === '/redirect') {
      response.writeHead(302, { location: `http://127.0.0.1:${port}/inside` }).end();
      return;
    }
    response.end('inside');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Resolves every name to loopback, as a rebinding attacker's DNS would. */
const toLoopback: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];

function refusalOf(error: unknown): GatewayError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current != null; depth += 1) {
    if (current instanceof GatewayError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

describe('issue 16: OutboundPolicy at connect time', () => {
  it('issue 16: a name resolving to 127.0.0.1 is refused on connect, by fetch and by request, before any byte', async () => {
    let allowPrivate = false;
    const policy = new OutboundPolicy({ allowPrivate: async () => allowPrivate, resolve: toLoopback });
    try {
      const before = requests;
      const viaFetch = await policy.fetch(`http://upstream.test:${port}/`).catch((error: unknown) => error);
      expect(refusalOf(viaFetch)?.message).toMatch(/plain http/);
      allowPrivate = false;
      const viaHttps = await policy.fetch(`https://upstream.test:${port}/`).catch((error: unknown) => error);
      expect(refusalOf(viaHttps)?.message).toMatch(/upstream\.test resolves to 127\.0\.0\.1, a loopback address/);
      const viaRequest = await request(`https://upstream.test:${port}/`, { dispatcher: policy.dispatcher }).catch(
        (error: unknown) => error,
      );
      expect(refusalOf(viaRequest)?.code).toBe('upstream_address_refused');
      expect(requests).toBe(before);

      // Allowed: the same name connects, through the pool made after the setting changed.
      allowPrivate = true;
      policy.reset();
      const allowed = await policy.fetch(`http://upstream.test:${port}/`);
      expect(await allowed.text()).toBe('inside');
      expect(requests).toBe(before + 1);
    } finally {
      await policy.close();
    }
  });

  it('issue 16: a redirect to an internal address is refused on the new connection', async () => {
    // The first hop is allowed (as a public host would be) until it has been answered; the redirect then leads
    // to a literal loopback address on a new connection.
    const before = requests;
    const policy = new OutboundPolicy({ allowPrivate: async () => requests === before, resolve: toLoopback });
    try {
      const error = await policy.fetch(`http://public.test:${port}/redirect`).catch((caught: unknown) => caught);
      expect(refusalOf(error)?.code).toBe('upstream_address_refused');
      expect(requests).toBe(before + 1);
    } finally {
      await policy.close();
    }
  });

  it('issue 16: checkUrl refuses on save without connecting, and lets an unresolvable name through to the key check', async () => {
    const policy = new OutboundPolicy({
      allowPrivate: async () => false,
      resolve: async (hostname) => {
        if (hostname === 'nowhere.test') throw new Error('getaddrinfo ENOTFOUND nowhere.test');
        return [
          { address: '93.184.215.14', family: 4 },
          { address: '10.0.0.7', family: 4 },
        ];
      },
    });
    try {
      await expect(policy.checkUrl('https://mixed.test/v1')).rejects.toThrow(/resolves to 10\.0\.0\.7/);
      await expect(policy.checkUrl('https://nowhere.test/v1')).resolves.toBeUndefined();
      await expect(policy.checkUrl('https://[fe80::1]/v1')).rejects.toThrow(/link-local/);
    } finally {
      await policy.close();
    }
  });
});
