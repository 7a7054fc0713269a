import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher, errors } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamResponseHandler } from './upstream-response-handler.ts';

// Issue 22: the relay's upstream calls go through undici's dispatcher with a handler of our own, not through
// `undici.request` and its Node-stream body; same chunks, same end, same backpressure, same aborts.
type Behaviour = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let origin: string;
let behaviour: Behaviour = (_request, response) => response.end();
/** The close of the last request's connection, as the server saw it: proof the call let go of the answer. */
let lastConnectionClosed: Promise<unknown> = Promise.resolve();
const agent = new Agent();

beforeAll(async () => {
  server = createServer((request, response) => {
    lastConnectionClosed = once(request.socket, 'close');
    request.resume();
    request.once('end', () => behaviour(request, response));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Dispatches a POST with a fresh handler; `controllers` records what undici hands it. */
function send(
  options: { signal?: AbortSignal; controllers?: Dispatcher.DispatchController[]; dispatcher?: Dispatcher } = {},
): UpstreamResponseHandler {
  const handler = new UpstreamResponseHandler(options.signal, () => new errors.RequestAbortedError());
  const onRequestStart = handler.onRequestStart.bind(handler);
  handler.onRequestStart = (controller) => {
    options.controllers?.push(controller);
    onRequestStart(controller);
  };
  (options.dispatcher ?? agent).dispatch({ origin, path: '/x', method: 'POST', body: '{}' }, handler);
  return handler;
}

const text = (value: Uint8Array | undefined) => Buffer.from(value ?? []).toString();
const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('UpstreamResponseHandler', () => {
  it('should give the status and headers, hand each chunk to the read waiting for it, then end', async () => {
    behaviour = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'set-cookie': ['a=1', 'b=2'] });
      response.write('one');
      setTimeout(() => response.end('two'), 30);
    };
    const handler = send();
    const { status, headers } = await handler.started;
    expect(status).toBe(200);
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(text((await handler.read()).value)).toBe('one');
    expect(text((await handler.read()).value)).toBe('two');
    expect(await handler.read()).toEqual({ done: true, value: undefined });
    expect(await handler.read()).toEqual({ done: true, value: undefined });
  });

  it('should skip a 1xx and give the final answer', async () => {
    behaviour = (_request, response) => {
      response.writeEarlyHints({ link: '</a.css>; rel=preload' });
      response.writeHead(201, { 'x-final': 'yes' });
      response.end('done');
    };
    const handler = send();
    expect(await handler.started).toMatchObject({ status: 201, headers: { 'x-final': 'yes' } });
    expect(await handler.text()).toBe('done');
  });

  it('should read the whole body as text, across chunks, without a byte-order mark', async () => {
    behaviour = (_request, response) => {
      response.write(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0xe2]));
      setTimeout(() => response.end(Buffer.from([0x82, 0xac, 0x7d])), 10);
    };
    const handler = send();
    await handler.started;
    expect(await handler.text()).toBe('{€}');
  });

  it('should drop undici’s raw header bytes once the answer started', async () => {
    behaviour = (_request, response) => {
      response.writeHead(200, { 'x-upstream': 'yes' });
      setTimeout(() => response.end('body'), 20);
    };
    const controllers: Dispatcher.DispatchController[] = [];
    const handler = send({ controllers });
    expect((await handler.started).headers['x-upstream']).toBe('yes');
    // Still open, so undici would have kept them until the end.
    expect(controllers[0]?.rawHeaders).toBeNull();
    expect(await handler.text()).toBe('body');
  });

  it('should stop undici reading the socket while nobody reads, and give every byte once someone does', async () => {
    const total = 32 * 1024 * 1024;
    let written = 0;
    behaviour = (_request, response) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const writeMore = () => {
        while (written < total) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', writeMore);
        }
        response.end();
      };
      writeMore();
    };
    const handler = send();
    await handler.started;
    await tick(300);
    // What the sockets' buffers hold, and 64 KiB kept by the handler: far from the whole answer.
    const writtenWhileUnread = written;
    expect(writtenWhileUnread).toBeLessThan(total / 2);
    let read = 0;
    for (let next = await handler.read(); !next.done; next = await handler.read()) read += next.value.byteLength;
    expect(read).toBe(total);
  });

  it('should throw a body’s failure to the read waiting and to every read after it', async () => {
    behaviour = (_request, response) => {
      response.writeHead(200);
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const handler = send();
    await handler.started;
    expect(text((await handler.read()).value)).toBe('partial');
    const waiting = handler.read();
    await expect(waiting).rejects.toBeInstanceOf(errors.SocketError);
    await expect(handler.read()).rejects.toBeInstanceOf(errors.SocketError);
  });

  it('should fail at once with the signal’s reason when the caller aborts before the answer, and close the call', async () => {
    let answer: ServerResponse | undefined;
    behaviour = (_request, response) => {
      answer = response;
    };
    const abort = new AbortController();
    const handler = send({ signal: abort.signal });
    await expect.poll(() => answer).toBeDefined();
    const reason = new Error('the client left');
    abort.abort(reason);
    await expect(handler.started).rejects.toBe(reason);
    await lastConnectionClosed;
  });

  it('should fail the waiting read with the signal’s reason when the caller aborts during the body', async () => {
    behaviour = (_request, response) => {
      response.writeHead(200);
      response.write('first');
    };
    const abort = new AbortController();
    const handler = send({ signal: abort.signal });
    await handler.started;
    expect(text((await handler.read()).value)).toBe('first');
    const waiting = handler.read();
    abort.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    await lastConnectionClosed;
  });

  it('should drop a request aborted while it waited for a connection, unsent', async () => {
    let requests = 0;
    behaviour = (_request, response) => {
      requests += 1;
      response.end();
    };
    // One connection at a time: the second request waits in the pool's queue until the first is done.
    const single = new Agent({ connections: 1, pipelining: 1 });
    try {
      const first = send({ dispatcher: single });
      const abort = new AbortController();
      const second = send({ signal: abort.signal, dispatcher: single });
      abort.abort(new Error('gone'));
      await expect(second.started).rejects.toThrow('gone');
      await first.started;
      await first.text();
      await tick(50);
      expect(requests).toBe(1);
    } finally {
      await single.close();
    }
  });

  it('should close an unfinished answer on cancel', async () => {
    behaviour = (_request, response) => {
      response.writeHead(200);
      response.write('first');
    };
    const handler = send();
    await handler.started;
    const closed = lastConnectionClosed;
    await handler.cancel();
    await closed;
    await expect(handler.read()).rejects.toBeInstanceOf(errors.RequestAbortedError);
  });
});
