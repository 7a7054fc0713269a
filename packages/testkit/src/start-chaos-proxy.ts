import { once } from 'node:events';
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { CodedTypeError } from './coded-type-error.ts';

/** What happens to one connection. `afterBytes` counts the upstream's answer, headers included (0: before any). */
export type ChaosFault =
  | { kind: 'pass' }
  /** Forwards `afterBytes` of the answer, then nothing more, keeping both sockets open: a silent upstream. */
  | { kind: 'stall'; afterBytes: number }
  /** Forwards `afterBytes` of the answer, then ends both sockets cleanly: an answer cut short. */
  | { kind: 'cut'; afterBytes: number }
  /** Forwards `afterBytes` of the answer, then resets both sockets (RST): a crashed peer or a middlebox. */
  | { kind: 'reset'; afterBytes: number }
  /** Forwards the answer `bytesPerChunk` at a time, `delayMs` apart: slow, but complete. */
  | { kind: 'drip'; bytesPerChunk: number; delayMs: number }
  /** Holds the request (nothing reaches the upstream) for `ms`, or until `release()` when `ms` is omitted. */
  | { kind: 'hold'; ms?: number };

export type ChaosProxy = {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the upstream's URL. */
  readonly url: string;
  /** Queues faults, one per new connection, in order; a connection with none queued gets the default. */
  next(...faults: ChaosFault[]): void;
  setDefault(fault: ChaosFault): void;
  /** Lets every held request through. */
  release(): void;
  /**
   * Resets every connection open now, both sides (RST), whatever its fault: the network dropping under a client
   * in the middle of an answer it is already reading, on a connection it chose itself (a browser's keep-alive pool
   * decides which connection a request takes, so a queued fault cannot aim at it). Returns how many were open.
   */
  cutOpenConnections(): number;
  /** Connections open now, and ever accepted. */
  readonly connections: { readonly open: number; readonly total: number };
  /** Resolves once no connection is open; rejects after `timeoutMs` naming how many still are. */
  waitForNoConnections(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

/**
 * A TCP fault injector between a client and a loopback upstream, below HTTP on purpose: silence mid-answer, cuts,
 * resets, trickles and held requests are what a real network makes and a fake's HTTP faults cannot. Faults apply per
 * connection: use `Connection: close` (or a fresh client) when each request must meet its own fault.
 */
export async function startChaosProxy(options: { target: string; defaultFault?: ChaosFault }): Promise<ChaosProxy> {
  const target = new URL(options.target);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"target" must be a loopback http URL' });
  }
  const targetPort = Number(target.port || 80);
  const queue: ChaosFault[] = [];
  let defaultFault: ChaosFault = options.defaultFault ?? { kind: 'pass' };
  const sockets = new Set<Socket>();
  /** Each open connection's two sockets, for `cutOpenConnections`. */
  const pairs = new Set<readonly [Socket, Socket]>();
  /** Connections with at least one of their two sockets open (a stalled one may have lost its upstream side). */
  let open = 0;
  const held = new Set<() => void>();
  let total = 0;

  const server: Server = createServer((client) => {
    total += 1;
    open += 1;
    let socketsLeft = 2;
    const fault = queue.shift() ?? defaultFault;
    const upstream = connect({ port: targetPort, host: '127.0.0.1' });
    const pair = [client, upstream] as const;
    pairs.add(pair);
    client.once('close', () => pairs.delete(pair));
    for (const socket of pair) {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        socketsLeft -= 1;
        if (socketsLeft === 0) open -= 1;
      });
      // One side failing ends the other, as a real hop would.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    forwardRequest({ client, upstream, fault, held });
    const answered = forwardAnswer({ client, upstream, fault });
    upstream.on('close', () => {
      // A stalled answer stays open; a dripping one ends once its last byte went out.
      if (fault.kind !== 'stall') void answered().then(() => client.end());
    });
  });
  server.listen({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const address = server.address();
  if (address == null || typeof address === 'string') throw new Error('chaos proxy bound to an unexpected address');

  const releaseAll = () => {
    for (const release of held) release();
    held.clear();
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    next: (...faults) => {
      queue.push(...faults);
    },
    setDefault: (fault) => {
      defaultFault = fault;
    },
    release: releaseAll,
    cutOpenConnections: () => {
      const cut = [...pairs];
      for (const [client, upstream] of cut) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      return cut.length;
    },
    connections: {
      get open() {
        return open;
      },
      get total() {
        return total;
      },
    },
    async waitForNoConnections(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (open > 0) {
        if (Date.now() > deadline) throw new Error(`${open} connection(s) still open`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      releaseAll();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function forwardRequest(options: { client: Socket; upstream: Socket; fault: ChaosFault; held: Set<() => void> }) {
  const { client, upstream, fault } = options;
  if (fault.kind !== 'hold') {
    client.pipe(upstream);
    return;
  }
  // Held requests are read and kept, not paused: a paused socket never sees its client go away, so a request the
  // client gave up on (a timeout) would stay open here forever and look like a leak. Such a request is dropped.
  const kept: Buffer[] = [];
  const keep = (chunk: Buffer) => kept.push(chunk);
  const abandon = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('data', keep);
  client.once('end', abandon);
  const release = () => {
    clearTimeout(timer);
    options.held.delete(release);
    client.off('data', keep);
    client.off('end', abandon);
    if (client.destroyed) return;
    for (const chunk of kept) upstream.write(chunk);
    client.pipe(upstream);
  };
  const timer = fault.ms == null ? undefined : setTimeout(release, fault.ms);
  options.held.add(release);
}

/** Forwards the answer under the fault; returns what resolves once everything it accepted has been written. */
function forwardAnswer(options: { client: Socket; upstream: Socket; fault: ChaosFault }): () => Promise<void> {
  const { client, upstream, fault } = options;
  if (fault.kind === 'pass' || fault.kind === 'hold') {
    upstream.pipe(client, { end: false });
    return () => Promise.resolve();
  }
  if (fault.kind === 'drip') {
    let dripping = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      dripping = drip({ client, chunk, fault }).then(() => {
        upstream.resume();
      });
    });
    return () => dripping;
  }
  let forwarded = 0;
  let isDone = false;
  const stopAt = (chunk: Buffer) => {
    const room = fault.afterBytes - forwarded;
    if (room > 0) client.write(chunk.subarray(0, room));
    forwarded += Math.min(room, chunk.length);
    isDone = true;
    if (fault.kind === 'cut') {
      client.end();
      upstream.destroy();
    } else if (fault.kind === 'reset') {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    // A stall keeps both sockets open and forwards nothing more; the client's own timeout must end it.
  };
  if (fault.afterBytes === 0) stopAt(Buffer.alloc(0));
  upstream.on('data', (chunk: Buffer) => {
    if (isDone) return;
    if (forwarded + chunk.length <= fault.afterBytes) {
      forwarded += chunk.length;
      client.write(chunk);
      if (forwarded === fault.afterBytes && fault.kind !== 'stall') stopAt(Buffer.alloc(0));
      return;
    }
    stopAt(chunk);
  });
  return () => Promise.resolve();
}

async function drip(options: { client: Socket; chunk: Buffer; fault: { bytesPerChunk: number; delayMs: number } }) {
  const { client, chunk, fault } = options;
  for (let offset = 0; offset < chunk.length && !client.destroyed; offset += fault.bytesPerChunk) {
    client.write(chunk.subarray(offset, offset + fault.bytesPerChunk));
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  }
}
