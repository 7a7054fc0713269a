import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';

export type EventStream = {
  /**
   * Writes text already in SSE wire form (a frame of {@link formatEventFrame} or {@link formatDataFrame}, or bytes
   * relayed from an upstream stream). False once the client is gone.
   */
  write: (frame: string | Uint8Array) => boolean;
  /** Writes one event (`event: <name>` + one `data:` line of JSON). False once the client is gone. */
  send: (name: string, data: unknown) => boolean;
  /**
   * Writes one unnamed event: a `data:` line of JSON, or the raw text given (OpenAI's `[DONE]`). The OpenAI
   * streaming format uses only unnamed events.
   */
  sendData: (data: unknown) => boolean;
  /** Ends the response (idempotent). */
  close: () => void;
  readonly isClosed: boolean;
  /** The client reads slower than events come: the socket's buffer is full. */
  readonly isBackedUp: boolean;
  /** Resolves when the client has read what was buffered, or is gone. */
  drained: () => Promise<void>;
  /**
   * Resolves once what was written has been handed to the socket. Node corks a response's socket on its first
   * write until the next tick, so events written in one burst of already-received upstream chunks would all wait
   * for the last one; awaiting this after the first event sends it at once (issue 7: stream time to first byte).
   */
  flushed: () => Promise<void>;
};

/** A comment line every 15 s keeps proxies and load balancers from timing out a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * One named event in wire form: `event: <name>` and one `data:` line of JSON (JSON has no raw line breaks), after an
 * `id: <id>` line when the stream can be resumed from it (`Last-Event-ID`, docs/note-app-api.md "Resuming a stream").
 */
export function formatEventFrame(name: string, data: unknown, id?: number): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * One unnamed event in wire form: a `data:` line of JSON, or the raw text given (OpenAI's `[DONE]`). The OpenAI
 * streaming format uses only unnamed events.
 */
export function formatDataFrame(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/**
 * The one place that writes Server-Sent Events. It takes the response over from Fastify (headers set by earlier
 * hooks — security headers, request id — are kept), turns off proxy buffering (`x-accel-buffering: no`), writes
 * each event as soon as it is given (never buffered), sends comment heartbeats, and stops when the client leaves.
 * Routes do not drive it themselves: `pipeEventStream` does, and adds what every stream needs on top (waiting for a
 * slow reader, the error event after the first byte, the end).
 */
export function startEventStream(
  reply: FastifyReply,
  options: {
    heartbeatMs?: number | null | undefined;
    /**
     * Sends the headers before the first event (default), so a client sees the stream open while the answer is
     * still coming. A caller whose first event is ready passes false: headers and event then leave in one write,
     * and the client gets its first byte one wake-up sooner (issue 7 bench).
     */
    flushHeaders?: boolean | undefined;
  } = {},
): EventStream {
  reply.hijack();
  const response = reply.raw;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value != null && name !== 'content-length') headers[name] = value;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  // Headers go out now, so a client sees the stream open before the first token.
  if (options.flushHeaders !== false) response.flushHeaders();
  let isClosed = false;
  // `heartbeatMs: null` turns heartbeats off (a relay must not put a comment between two halves of an event).
  const heartbeat =
    options.heartbeatMs === null
      ? undefined
      : setInterval(() => {
          if (!isClosed) response.write(': keep-alive\n\n');
        }, options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat?.unref();
  const close = () => {
    if (isClosed) return;
    isClosed = true;
    clearInterval(heartbeat);
    response.end();
  };
  response.once('close', () => {
    isClosed = true;
    clearInterval(heartbeat);
  });
  const write = (frame: string | Uint8Array) => {
    if (isClosed) return false;
    response.write(frame);
    return true;
  };
  return {
    write,
    send: (name, data) => write(formatEventFrame(name, data)),
    sendData: (data) => write(formatDataFrame(data)),
    close,
    get isClosed() {
      return isClosed;
    },
    get isBackedUp() {
      return !isClosed && response.writableNeedDrain;
    },
    flushed: () => new Promise<void>((resolve) => process.nextTick(resolve)),
    drained: () =>
      new Promise<void>((resolve) => {
        if (isClosed || !response.writableNeedDrain) {
          resolve();
          return;
        }
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.once('drain', done);
        response.once('close', done);
      }),
  };
}
