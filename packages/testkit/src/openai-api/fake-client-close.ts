import type { ServerResponse } from 'node:http';

/** A request the client abandoned before the fake finished answering it. */
export type FakeClientClose = {
  method: string;
  path: string;
  /** Milliseconds since the epoch when the connection closed. */
  closedAt: number;
  /** Whether the answer was a stream (headers already sent) rather than a pending JSON body. */
  wasStreaming: boolean;
};

const INTENTIONAL_CLOSES = new WeakSet<ServerResponse>();

/** Marks a connection the fake itself cuts (a disconnect scenario), so it is not mistaken for a client abort. */
export function markIntentionalClose(reply: ServerResponse): void {
  INTENTIONAL_CLOSES.add(reply);
}

export type WatchClientCloseOptions = {
  reply: ServerResponse;
  method: string;
  path: string;
  closes: FakeClientClose[];
  now: () => number;
};

/** Records the request in `closes` if the connection goes away before the response finished. */
export function watchClientClose(options: WatchClientCloseOptions): void {
  const { reply } = options;
  reply.once('close', () => {
    if (reply.writableFinished || INTENTIONAL_CLOSES.has(reply)) return;
    options.closes.push({
      method: options.method,
      path: options.path,
      closedAt: options.now(),
      wasStreaming: reply.headersSent,
    });
  });
}
