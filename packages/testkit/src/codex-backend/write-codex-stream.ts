import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createResponseCloseSignal } from '../create-response-close-signal.ts';
import { wait } from '../wait.ts';
import { formatSseEvent } from '../write-sse.ts';
import type { CodexStreamPlan } from './build-codex-stream-plan.ts';

export type WriteCodexStreamOptions = {
  reply: ServerResponse;
  plan: CodexStreamPlan;
  headers: OutgoingHttpHeaders;
  /** Called just before the fake cuts the connection on purpose. */
  onDisconnect: () => void;
};

/**
 * Writes a plan as `event: <type>` + `data: <json>` frames with no `[DONE]` (docs/codex-protocol.md §6.1), pausing
 * where it says and stopping at once when the client leaves.
 */
export async function writeCodexStream(options: WriteCodexStreamOptions): Promise<void> {
  const { reply, plan } = options;
  const signal = createResponseCloseSignal(reply);
  reply.writeHead(200, options.headers);
  // Headers go out now: a client must see the stream open even when the first event is held back by a stall.
  reply.flushHeaders();

  for (let index = 0; index <= plan.events.length; index += 1) {
    if (plan.stall?.beforeEvent === index && !(await wait({ ms: plan.stall.ms, signal }))) return;
    const event = plan.events[index];
    if (event == null) break;
    if (signal.aborted) return;
    const frame = formatSseEvent({ event: event.type, data: event });
    const isLast = index === plan.events.length - 1;
    if (isLast && plan.shouldDisconnect) {
      // Wait until the frame is handed to the socket, or destroying it could swallow the last event.
      await new Promise<void>((resolve) => reply.write(frame, () => resolve()));
    } else if (!reply.write(frame) && !(await waitForDrain({ reply, signal }))) {
      return;
    }
  }
  if (signal.aborted) return;
  if (plan.shouldDisconnect) {
    options.onDisconnect();
    // No terminating chunk: the client sees the body end early, as when the backend drops mid-stream.
    reply.socket?.destroy();
    return;
  }
  reply.end();
}

function waitForDrain(options: { reply: ServerResponse; signal: AbortSignal }): Promise<boolean> {
  const { reply, signal } = options;
  return new Promise((resolve) => {
    const onDrain = () => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    };
    const onAbort = () => {
      reply.off('drain', onDrain);
      resolve(false);
    };
    reply.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
