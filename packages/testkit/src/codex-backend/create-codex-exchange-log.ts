import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from '../request-recorder.ts';

/** One `POST /codex/responses` as the fake handled it. */
export type FakeCodexExchange = {
  /** Position among `/codex/responses` requests, from 0. */
  readonly index: number;
  /** The recorder's entry for the same request (headers and body as sent). */
  readonly request: RecordedRequest | undefined;
  /** Account of the accepted token; undefined when auth failed. */
  readonly accountId: string | undefined;
  /** Status sent; undefined while headers are not out yet. */
  readonly status: number | undefined;
  /** Preset name or scenario kind that answered; undefined when auth or validation rejected the request. */
  readonly scenario: string | undefined;
  /** The error body when auth or validation rejected the request; undefined when it passed. */
  readonly rejection: unknown;
  /** Milliseconds since the epoch when the connection closed; undefined while open. */
  readonly closedAt: number | undefined;
  /** The client went away before the fake finished (not a disconnect the scenario asked for). */
  readonly isClientAbort: boolean;
};

type MutableExchange = { -readonly [Key in keyof FakeCodexExchange]: FakeCodexExchange[Key] };

export type CodexExchangeLog = {
  /** Cleared in place by `clear()`, so references held by tests stay current. */
  readonly exchanges: FakeCodexExchange[];
  open(options: { request: RecordedRequest | undefined; reply: ServerResponse }): MutableExchange;
  /** The fake is about to cut this connection itself, so its close is not a client abort. */
  markIntentionalClose(exchange: FakeCodexExchange): void;
  waitForClose(options: { index: number; timeoutMs: number }): Promise<FakeCodexExchange>;
  clear(): void;
};

type Waiter = { index: number; resolve: (exchange: FakeCodexExchange) => void };

/** Keeps the exchanges and notices, to the millisecond, when each one's connection closes. */
export function createCodexExchangeLog(options: { now: () => number }): CodexExchangeLog {
  const exchanges: MutableExchange[] = [];
  const intentional = new WeakSet<FakeCodexExchange>();
  const waiters = new Set<Waiter>();
  const notify = (exchange: FakeCodexExchange) => {
    // An exchange forgotten by clear() can still close later; its index now belongs to a newer one.
    if (exchanges[exchange.index] !== exchange) return;
    for (const waiter of waiters) {
      if (waiter.index !== exchange.index) continue;
      waiters.delete(waiter);
      waiter.resolve(exchange);
    }
  };

  return {
    exchanges,
    open({ request, reply }) {
      const exchange: MutableExchange = {
        index: exchanges.length,
        request,
        accountId: undefined,
        status: undefined,
        scenario: undefined,
        rejection: undefined,
        closedAt: undefined,
        isClientAbort: false,
      };
      exchanges.push(exchange);
      // 'close' on the response fires when the answer is done or the socket dies, whichever comes first; only
      // the second, when not the fake's own doing, is a client abort.
      reply.once('close', () => {
        exchange.closedAt = options.now();
        exchange.isClientAbort = !reply.writableFinished && !intentional.has(exchange);
        notify(exchange);
      });
      return exchange;
    },
    markIntentionalClose(exchange) {
      intentional.add(exchange);
    },
    waitForClose({ index, timeoutMs }) {
      const closed = exchanges[index];
      if (closed?.closedAt != null) return Promise.resolve(closed);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          index,
          resolve: (exchange) => {
            clearTimeout(timer);
            resolve(exchange);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`exchange ${index} did not close within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    clear() {
      exchanges.length = 0;
    },
  };
}
