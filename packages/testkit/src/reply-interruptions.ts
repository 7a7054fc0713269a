import type { ServerResponse } from 'node:http';
import { createResponseCloseSignal } from './create-response-close-signal.ts';
import type { FakeContext } from './define-fake.ts';
import { handWritesToSocket } from './hand-writes-to-socket.ts';
import { wait } from './wait.ts';

type Context = Pick<FakeContext<unknown, unknown, unknown>, 'markIntentionalClose'>;

/** Ends a stream unterminated, as a crashed upstream would; ending the socket, unlike destroy(), flushes the writes. */
export async function cutStream(options: { context: Context; reply: ServerResponse }): Promise<void> {
  options.context.markIntentionalClose(options.reply);
  await handWritesToSocket(options.reply);
  options.reply.socket?.end();
}

/** Answers JSON when the stream would have ended (so timeouts work on both), or plays the interruption. */
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
