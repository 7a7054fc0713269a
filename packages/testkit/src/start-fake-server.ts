import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { applyFault } from './apply-fault.ts';
import { trackFakeServer, untrackFakeServer } from './close-all-fake-servers.ts';
import { CodedTypeError } from './coded-type-error.ts';
import { createResponseCloseSignal } from './create-response-close-signal.ts';
import type { FakeHandler } from './fake-request.ts';
import { createFakeRequest } from './fake-request.ts';
import type { FaultScript } from './fault-script.ts';
import { createFaultScript } from './fault-script.ts';
import type { RecordedRequest, RequestMatch, RequestRecorder } from './request-recorder.ts';
import { createRequestRecorder } from './request-recorder.ts';
import { sendJson } from './send-json.ts';

export type FakeServerOptions = {
  /** Shown in 404 and 500 bodies so a failing test names the fake. */
  name: string;
  handler: FakeHandler;
  /** Loopback only: fakes hold no secrets but must never be reachable from the network. */
  host?: '127.0.0.1';
};

export type FakeServer = {
  readonly name: string;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  findRequests(match: RequestMatch): RecordedRequest[];
  readonly faults: Pick<FaultScript, 'push' | 'clear' | 'pending'>;
  /** Closes the listener and every connection, keep-alive ones included. Safe to call twice. */
  close(): Promise<void>;
  /** Forgets recorded requests and queued faults. */
  reset(): void;
};

/** Starts a fake upstream on an ephemeral loopback port. */
export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const { name, handler } = options;
  if (typeof name !== 'string' || name === '') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"name" must be a non-empty string' });
  }
  if (typeof handler !== 'function') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"handler" must be a function' });
  }
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"host" must be 127.0.0.1' });
  }

  const recorder = createRequestRecorder();
  const faults = createFaultScript();
  const server = createServer((incoming, reply) => {
    void handleRequest({ name, handler, recorder, faults, incoming, reply });
  });
  const port = await listen({ server, host });

  let closing: Promise<void> | undefined;
  const fakeServer: FakeServer = {
    name,
    url: `http://${host}:${port}`,
    port,
    requests: recorder.requests,
    findRequests: recorder.findRequests,
    faults: {
      push: faults.push,
      clear: faults.clear,
      get pending() {
        return faults.pending;
      },
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error == null ? resolve() : reject(error)));
        // close() only stops accepting; without this, a keep-alive or in-flight connection holds it open.
        server.closeAllConnections();
      }).finally(() => untrackFakeServer(fakeServer));
      return closing;
    },
    reset() {
      recorder.clear();
      faults.clear();
    },
  };
  trackFakeServer(fakeServer);
  return fakeServer;
}

function listen(options: { server: Server; host: string }): Promise<number> {
  const { server, host } = options;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      server.off('error', reject);
      const address = server.address();
      if (address == null || typeof address === 'string') {
        reject(new Error(`fake server bound to an unexpected address: ${String(address)}`));
        return;
      }
      resolve(address.port);
    });
  });
}

type HandleRequestOptions = {
  name: string;
  handler: FakeHandler;
  recorder: RequestRecorder;
  faults: FaultScript;
  incoming: IncomingMessage;
  reply: ServerResponse;
};

async function handleRequest(options: HandleRequestOptions): Promise<void> {
  const { name, incoming, reply } = options;
  const timestamp = Date.now();
  const method = incoming.method ?? '';
  const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
  const signal = createResponseCloseSignal(reply);

  let rawBody: Buffer;
  try {
    rawBody = await readBody(incoming);
  } catch {
    // The client aborted while sending; there is no one left to answer.
    reply.destroy();
    return;
  }

  options.recorder.record({ incoming, url, rawBody, timestamp });

  try {
    const fault = options.faults.take({ method, path: url.pathname });
    if (fault != null) {
      const shouldRunHandler = await applyFault({ fault, fakeName: name, incoming, reply, signal });
      if (!shouldRunHandler) return;
    }
    const request = createFakeRequest({ fakeName: name, method, url, headers: incoming.headers, rawBody });
    await options.handler(request, reply);
    if (!reply.headersSent && !reply.destroyed) {
      sendJson({
        reply,
        status: 500,
        body: { error: `handler for ${method} ${url.pathname} in fake ${name} finished without responding` },
      });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!reply.headersSent && !reply.destroyed) {
      sendJson({
        reply,
        status: 500,
        body: { error: `handler for ${method} ${url.pathname} in fake ${name} threw: ${message}` },
      });
    } else {
      // Too late for a status: cut the connection so the client sees a failure instead of waiting forever.
      reply.destroy();
    }
  }
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
