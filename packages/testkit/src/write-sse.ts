import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { invalidValue } from './coded-type-error.ts';
import { createResponseCloseSignal } from './create-response-close-signal.ts';
import { wait } from './wait.ts';

export type SseEvent = {
  /** The `event:` field; omitted for the default `message` event. */
  event?: string;
  /** A string is sent as is (each line its own `data:` line); anything else as one line of JSON. */
  data: unknown;
  id?: string;
  /** Wait this long before writing the event; overrides the stream's `delayMs`. */
  delayMs?: number;
};

/** Streams server-sent events until done or the client disconnects; says how many were written and which it was. */
export async function writeSse(options: {
  reply: ServerResponse;
  events: Iterable<SseEvent> | AsyncIterable<SseEvent>;
  /** Default wait before each event. */
  delayMs?: number;
  status?: number;
  headers?: OutgoingHttpHeaders;
  /** False leaves the stream open after the last event (for idle-timeout tests). */
  shouldEnd?: boolean;
}): Promise<{ writtenCount: number; hasClientDisconnected: boolean }> {
  const { reply } = options;
  const signal = createResponseCloseSignal(reply);
  if (!reply.headersSent) {
    reply.writeHead(options.status ?? 200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...options.headers,
    });
    // Headers go out now so the client sees the stream open even if the first event is delayed.
    reply.flushHeaders();
  }
  let writtenCount = 0;
  for await (const event of options.events) {
    const delayMs = event.delayMs ?? options.delayMs ?? 0;
    if (delayMs > 0 && !(await wait({ ms: delayMs, signal }))) break;
    if (signal.aborted) break;
    writtenCount += 1;
    if (!reply.write(formatSseEvent(event)) && !(await waitForDrain(reply, signal))) break;
  }
  const hasClientDisconnected = signal.aborted;
  if (!hasClientDisconnected && options.shouldEnd !== false) reply.end();
  return { writtenCount, hasClientDisconnected };
}

/** One event in wire form, including the blank line that ends it. */
export function formatSseEvent(event: SseEvent): string {
  let frame = '';
  for (const name of ['event', 'id'] as const) {
    const value = event[name];
    if (value == null) continue;
    if (/[\r\n]/.test(value)) throw invalidValue(`"${name}" must not contain line breaks`);
    frame += `${name}: ${value}\n`;
  }
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  if (data === undefined) throw invalidValue('"data" must be a string or JSON value');
  // A bare CR or LF would end the field early, so each line gets its own data: line (the client joins them with \n).
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

function waitForDrain(reply: ServerResponse, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
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
