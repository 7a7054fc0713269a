import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/build-test-app.ts';

// Issue 16: dynamic client registration is unauthenticated, and oidc-provider fetches a registering client's
// `sector_identifier_uri` during registration: anyone could make the gateway connect where they liked.

let test: TestApp;
let listener: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  test = await buildTestApp({ GATEWAY_PUBLIC_URL: 'https://gateway.example.test' });
  listener = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as { port: number }).port;
});
afterAll(async () => {
  await test.close();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

describe('issue 16: client registration fetches nothing', () => {
  it.each([
    ['sector_identifier_uri', (p: number) => `https://127.0.0.1:${p}/sector.json`],
    ['jwks_uri', (p: number) => `https://127.0.0.1:${p}/jwks.json`],
  ])('issue 16: a registration with %s is refused, and nothing is contacted', async (field, uri) => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/oauth/register',
      payload: {
        redirect_uris: ['https://app.example/callback'],
        token_endpoint_auth_method: 'none',
        [field]: uri(port),
      },
      remoteAddress: '127.0.5.5',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid_client_metadata',
      error_description: `${field} is not supported by this server: leave it out`,
    });
    expect(connections).toBe(0);
  });
});
