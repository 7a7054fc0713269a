import type { ServerResponse } from 'node:http';
import { createResponseCloseSignal } from './create-response-close-signal.ts';
import type { FakeContext } from './define-fake.ts';
import { handWritesToSocket } from './hand-writes-to-socket.ts';
import { wait } from './wait.ts';

type Context = Pick<FakeContext<unknown, unknown, unknown>, 'markIntentionalClose'>;

/**
 * Ends a stream with the chunked body unterminated, as a crashed upstream would: ending the socket (not the response)
 * flushes what was written; destroy() would discard writes still buffered.
 */
export async function cutStream(options: { context: Context; reply: ServerResponse }): Promise<void> {
  options.context.markIntentionalClose(options.reply);
  await handWritesToSocket(options.reply);
  options.reply.socket?.end();
}

/**
 * Answers a non-streaming request once its stream would have ended (so abort and timeout tests work on both), playing
 * the scenario's interruption: a dropped connection, or an error status instead of the body.
 */
export async function sendJsonAnswerLate(options: {
  context: Context;
  reply: ServerResponse;
  latencyMs: number;
  interruption: { kind: 'error' | 'disconnect' } | undefined;
  sendError(): void;
  sendBody(): void;
}): Promise<void> {
  const { reply, interruption } = options;
  if (options.latencyMs > 0 && !(await wait({ ms: options.latencyMs, signal: createResponseCloseSignal(reply) }))) {
    return;
  }
  if (interruption?.kind === 'disconnect') {
    options.context.markIntentionalClose(reply);
    reply.socket?.destroy();
  } else if (interruption?.kind === 'error') options.sendError();
  else options.sendBody();
}
