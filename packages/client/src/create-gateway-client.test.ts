/// <reference types="node" />
// The client itself is browser code (no Node types); its tests run a small Node server on loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayClient } from './create-gateway-client.ts';
import { GatewayClientError } from './gateway-client-error.ts';

// README, "The note-app API": `stream()` is an async iterator that `break` or an AbortSignal cancels, and errors are
// `GatewayClientError` with `status`, `code` and `retryAfter`. Checked against a loopback server that sees exactly
// what the client does on the wire.

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running == null) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** Resolves when the server sees the client leave before the answer ended; fails after `ms`. */
function clientLeft(response: Promise<ServerResponse>, ms = 3_000): Promise<'left'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the client did not leave within ${ms} ms`)), ms);
    void response.then((open) =>
      open.once('close', () => {
        clearTimeout(timer);
        if (open.writableEnded) reject(new Error('the answer ended before the client left'));
        else resolve('left');
      }),
    );
  });
}

/** A stream that sends one delta and then holds the connection open, as a slow generation would. */
function holdingStream(opened: (response: ServerResponse) => void): Handler {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(`event: delta\ndata: ${JSON.stringify({ type: 'delta', text: 'Once upon' })}\n\n`);
    opened(response);
  };
}

describe('issue 16: stream() cancels the request when the caller stops', () => {
  it('issue 16: breaking out of the loop closes the connection: the server sees the client leave', async () => {
    let opened!: (response: ServerResponse) => void;
    const open = new Promise<ServerResponse>((resolve) => {
      opened = resolve;
    });
    const client = createGatewayClient({ baseUrl: await serve(holdingStream(opened)), apiKey: 'gwk_test' });
    const left = clientLeft(open);
    const seen: string[] = [];
    for await (const event of client.stream({ content: 'Tell me a story' })) {
      seen.push(event.type);
      break;
    }
    expect(seen).toEqual(['delta']);
    await expect(left).resolves.toBe('left');
  });

  it('issue 16: aborting the signal ends the loop with an AbortError and closes the connection', async () => {
    let opened!: (response: ServerResponse) => void;
    const open = new Promise<ServerResponse>((resolve) => {
      opened = resolve;
    });
    const client = createGatewayClient({ baseUrl: await serve(holdingStream(opened)), apiKey: 'gwk_test' });
    const left = clientLeft(open);
    const controller = new AbortController();
    const seen: string[] = [];
    const loop = (async () => {
      for await (const event of client.stream({ content: 'Tell me a story' }, { signal: controller.signal })) {
        seen.push(event.type);
        controller.abort();
      }
    })();
    await expect(loop).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['delta']);
    await expect(left).resolves.toBe('left');
  });
});

describe('issue 16: GatewayClientError carries the gateway’s status, code and Retry-After', () => {
  const answer =
    (status: number, body: string, headers: Record<string, string> = {}): Handler =>
    (_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(body);
    };

  it('issue 16: a 429 from chat() and from stream(): code, message and retryAfter in seconds', async () => {
    const envelope = JSON.stringify({
      error: { code: 'usage_limit_reached', message: 'Your plan’s limit resets at 14:00.' },
    });
    const client = createGatewayClient({
      baseUrl: await serve(answer(429, envelope, { 'retry-after': '600' })),
      apiKey: 'gwk_test',
    });
    const fromChat = await client.chat({ content: 'Hi' }).catch((caught: unknown) => caught);
    const fromStream = await (async () => {
      for await (const _event of client.stream({ content: 'Hi' })) {
        // The error comes before any event.
      }
    })().catch((caught: unknown) => caught);
    for (const error of [fromChat, fromStream]) {
      expect(error).toBeInstanceOf(GatewayClientError);
      expect(error).toMatchObject({
        name: 'GatewayClientError',
        status: 429,
        code: 'usage_limit_reached',
        message: 'Your plan’s limit resets at 14:00.',
        retryAfter: 600,
      });
    }
  });

  it('issue 16: no Retry-After is null; an answer that is not the envelope keeps the status with a generic code', async () => {
    const base = await serve((request, response) => {
      if (request.url === '/api/ai/chat') {
        answer(502, JSON.stringify({ error: { code: 'upstream_unavailable', message: 'ChatGPT is down.' } }))(
          request,
          response,
        );
        return;
      }
      response.writeHead(503, { 'content-type': 'text/html' });
      response.end('<html>Bad gateway</html>');
    });
    const client = createGatewayClient({ baseUrl: base, apiKey: 'gwk_test' });
    expect(await client.chat({ content: 'Hi' }).catch((caught: unknown) => caught)).toMatchObject({
      status: 502,
      code: 'upstream_unavailable',
      retryAfter: null,
    });
    const proxied = await (async () => {
      for await (const _event of client.stream({ content: 'Hi' })) {
        // The error comes before any event.
      }
    })().catch((caught: unknown) => caught);
    expect(proxied).toBeInstanceOf(GatewayClientError);
    expect(proxied).toMatchObject({ status: 503, code: 'http_error', message: 'The gateway answered 503.' });
  });

  it('issue 16: a gateway that cannot be reached is a network_error with no status', async () => {
    // A port that was just listening and is closed now: the connection is refused.
    const base = await serve(answer(200, '{}'));
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const client = createGatewayClient({ baseUrl: base, apiKey: 'gwk_test' });
    const error = await client.chat({ content: 'Hi' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayClientError);
    expect(error).toMatchObject({ status: null, code: 'network_error', retryAfter: null });
    expect((error as GatewayClientError).message).toContain(base);
  });
});
