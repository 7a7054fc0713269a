import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './fault-script.ts';
import { sendJson } from './send-json.ts';
import { wait } from './wait.ts';

export type ApplyFaultOptions = {
  fault: Fault;
  fakeName: string;
  incoming: IncomingMessage;
  reply: ServerResponse;
  /** Aborts when the client left; a delay then ends early. */
  signal: AbortSignal;
};

// Cut mid-value, as a proxy or a crashed upstream would leave it.
const MALFORMED_JSON = '{"error":{"message":"truncat';

/** Carries out a scripted fault. Resolves true when the handler should still answer the request. */
export async function applyFault(options: ApplyFaultOptions): Promise<boolean> {
  const { fault, reply } = options;
  switch (fault.kind) {
    case 'status': {
      const headers = Object.fromEntries(
        Object.entries(fault.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      if (fault.body === undefined) {
        sendJson({
          reply,
          status: fault.status,
          headers,
          body: { error: `scripted status ${fault.status} from fake ${options.fakeName}` },
        });
      } else if (typeof fault.body === 'string') {
        reply.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        reply.end(fault.body);
      } else {
        sendJson({ reply, status: fault.status, headers, body: fault.body });
      }
      return false;
    }
    case 'delay':
      return wait({ ms: fault.ms, signal: options.signal });
    case 'malformed-json':
      reply.writeHead(fault.status ?? 200, { 'content-type': 'application/json; charset=utf-8' });
      reply.end(MALFORMED_JSON);
      return false;
    case 'drop-connection':
      options.incoming.socket.destroy();
      return false;
    default:
      return assertNever(fault);
  }
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled fault ${JSON.stringify(value)}`);
}
