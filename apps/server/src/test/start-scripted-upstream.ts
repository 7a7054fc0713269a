import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the upstream received, and whether (and when) the connection that carried it was closed. */
export type ScriptedRequest = { method: string; path: string; body: string; closedAt: number | null };

export type ScriptedUpstream = {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** Every request, in arrival order. */
  readonly requests: readonly ScriptedRequest[];
  /** Answers the next requests with this handler (the request body has been read). */
  answerWith(handler: (request: IncomingMessage, response: ServerResponse, body: string) => void): void;
  /** Resolves when the connection of `request` has closed; rejects after `withinMs`. */
  closed(request: ScriptedRequest, withinMs: number): Promise<number>;
  close(): Promise<void>;
};

/**
 * A misbehaving upstream on loopback for fault tests (issue 16): each test scripts how it answers — start an answer
 * and go silent, cut the connection mid-event — and asserts on this side that the gateway let go of it.
 */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const requests: ScriptedRequest[] = [];
  const closes = new EventEmitter();
  let handler: (request: IncomingMessage, response: ServerResponse, body: string) => void = (_request, response) => {
    response.writeHead(404).end();
  };
  const server = createServer((request, response) => {
    const recorded: ScriptedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      body: '',
      closedAt: null,
    };
    requests.push(recorded);
    request.socket.once('close', () => {
      recorded.closedAt = performance.now();
      closes.emit('close', recorded);
    });
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      recorded.body += chunk;
    });
    request.once('end', () => handler(request, response, recorded.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answerWith: (next) => {
      handler = next;
    },
    closed: (request, withinMs) =>
      new Promise((resolve, reject) => {
        if (request.closedAt != null) {
          resolve(request.closedAt);
          return;
        }
        const timer = setTimeout(() => {
          closes.off('close', onClose);
          reject(new Error(`the gateway kept the connection of ${request.path} open for ${withinMs} ms`));
        }, withinMs);
        const onClose = (closed: ScriptedRequest) => {
          if (closed !== request) return;
          clearTimeout(timer);
          closes.off('close', onClose);
          resolve(closed.closedAt ?? performance.now());
        };
        closes.on('close', onClose);
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
