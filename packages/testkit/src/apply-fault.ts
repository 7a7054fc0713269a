import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './fault-script.ts';
import { sendJson } from './send-json.ts';
import { wait } from './wait.ts';

/** Carries out a scripted fault. Resolves true when the handler should still answer the request. */
export async function applyFault(options: {
  fault: Fault;
  fakeName: string;
  incoming: IncomingMessage;
  reply: ServerResponse;
  /** Aborts when the client left; a delay then ends early. */
  signal: AbortSignal;
}): Promise<boolean> {
  const { fault, reply } = options;
  switch (fault.kind) {
    case 'status': {
      const headers = Object.fromEntries(
        Object.entries(fault.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      if (typeof fault.body === 'string') {
        reply.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        reply.end(fault.body);
        return false;
      }
      const error = `scripted status ${fault.status} from fake ${options.fakeName}`;
      sendJson({ reply, status: fault.status, headers, body: fault.body === undefined ? { error } : fault.body });
      return false;
    }
    case 'delay':
      return wait({ ms: fault.ms, signal: options.signal });
    case 'malformed-json':
      reply.writeHead(fault.status ?? 200, { 'content-type': 'application/json; charset=utf-8' });
      // Cut mid-value, as a proxy or a crashed upstream would leave it.
      reply.end('{"error":{"message":"truncat');
      return false;
    case 'drop-connection':
      options.incoming.socket.destroy();
      return false;
  }
}
