import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from '../request-recorder.ts';
import { wait } from '../wait.ts';

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

export type OpenCodexExchange = { -readonly [Key in keyof FakeCodexExchange]: FakeCodexExchange[Key] };

/** Keeps the exchanges and notes, to the millisecond, when each one's connection closes. */
export function createCodexExchangeLog(now: () => number) {
  const exchanges: OpenCodexExchange[] = [];
  const cutOnPurpose = new WeakSet<ServerResponse>();
  return {
    exchanges: exchanges as readonly FakeCodexExchange[],
    open(request: RecordedRequest | undefined, reply: ServerResponse): OpenCodexExchange {
      const exchange: OpenCodexExchange = {
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
      // 'close' fires when the answer is done or the socket dies, whichever comes first; only the second, when not
      // the fake's own doing, is a client abort.
      reply.once('close', () => {
        exchange.closedAt = now();
        exchange.isClientAbort = !reply.writableFinished && !cutOnPurpose.has(reply);
      });
      return exchange;
    },
    /** The fake is about to cut this connection itself, so its close is not a client abort. */
    markCut(reply: ServerResponse): void {
      cutOnPurpose.add(reply);
    },
    /** Resolves once exchange `index` closed, waiting for it to arrive if need be; rejects after the timeout. */
    async waitForClose(index: number, timeoutMs: number): Promise<FakeCodexExchange> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const exchange = exchanges[index];
        if (exchange?.closedAt != null) return exchange;
        if (Date.now() >= deadline) throw new Error(`exchange ${index} did not close within ${timeoutMs} ms`);
        await wait({ ms: 5 });
      }
    },
  };
}
