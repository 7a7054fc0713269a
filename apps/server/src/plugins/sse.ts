import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
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
   * Hands what was written to the socket now. Node corks a response's socket at a write and uncorks it on the next
   * tick, and the next tick waits for the microtask queue to empty: events written in one burst of already-received
   * upstream chunks would all wait for the last one (issue 7), and so would the first event of a stream whose
   * producer runs on its own (the note-app stream store draining an answer already in memory: its first byte left
   * only once the whole answer was processed, issue 22). Called after the first event.
   */
  flush: () => void;
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
  // The headers set on the raw response by earlier hooks are already where they go; only Fastify's own (those of
  // `reply.header`) are moved over, so none is stored twice (issue 22: per-stream allocations).
  const headers = reply.getHeaders();
  for (const name in headers) {
    const value = headers[name];
    if (value != null && name !== 'content-length' && response.getHeader(name) !== value) {
      response.setHeader(name, value);
    }
  }
  response.writeHead(200, EVENT_STREAM_HEADERS);
  flattenHeaderBlock(response);
  // Headers go out now, so a client sees the stream open before the first token.
  if (options.flushHeaders !== false) response.flushHeaders();
  // `heartbeatMs: null` turns heartbeats off (a relay must not put a comment between two halves of an event).
  return new ResponseEventStream(response, options.heartbeatMs === null ? null : (options.heartbeatMs ?? HEARTBEAT_MS));
}

const EVENT_STREAM_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-store',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * The event stream of one response. A class, not an object of closures: one is held by every open stream, and its
 * methods are shared instead of allocated again for each (issue 22 heap profile).
 */
class ResponseEventStream implements EventStream {
  readonly #response: ServerResponse;
  readonly #heartbeat: NodeJS.Timeout | undefined;
  #isClosed = false;

  constructor(response: ServerResponse, heartbeatMs: number | null) {
    this.#response = response;
    this.#heartbeat = heartbeatMs === null ? undefined : setInterval(writeHeartbeat, heartbeatMs, this);
    this.#heartbeat?.unref();
    // `on`, not `once`: a response closes once, and `once` would add a wrapper per stream.
    response.on('close', () => {
      this.#isClosed = true;
      clearInterval(this.#heartbeat);
    });
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  get isBackedUp(): boolean {
    return !this.#isClosed && this.#response.writableNeedDrain;
  }

  write(frame: string | Uint8Array): boolean {
    if (this.#isClosed) return false;
    this.#response.write(frame);
    return true;
  }

  send(name: string, data: unknown): boolean {
    return this.write(formatEventFrame(name, data));
  }

  sendData(data: unknown): boolean {
    return this.write(formatDataFrame(data));
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearInterval(this.#heartbeat);
    this.#response.end();
  }

  flush(): void {
    // Node's `write` corked the response (which then holds the headers and chunks itself) and uncorks it once on the
    // next tick. Uncorked now, what was written goes out; corked again at once, the count is what that uncork
    // expects, and whatever is written until then is held and sent together, as Node would.
    const response = this.#response;
    if (response.writableCorked === 0) return;
    response.uncork();
    response.cork();
  }

  drained(): Promise<void> {
    const response = this.#response;
    return new Promise<void>((resolve) => {
      if (this.#isClosed || !response.writableNeedDrain) {
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
    });
  }
}

/**
 * Node builds a response's header block by concatenation, a piece or four per header: a rope of some ninety strings
 * that the response keeps until it ends — 2.8 KB with every open stream where the same text, flat, takes 0.7 KB
 * (issue 22 heap profile). The block is replaced by a flat copy of itself (headers are latin1 on the wire, so the
 * round trip through bytes is exact); `_header` is the property Node itself reads it from.
 */
function flattenHeaderBlock(response: ServerResponse): void {
  const target = response as ServerResponse & { _header?: unknown };
  if (typeof target._header === 'string') target._header = Buffer.from(target._header, 'latin1').toString('latin1');
}

function writeHeartbeat(events: ResponseEventStream): void {
  events.write(': keep-alive\n\n');
}
