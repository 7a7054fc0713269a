import { Agent, request } from 'node:http';
import { readStamps, wallClockMs } from '@pag/testkit';

/** Where one measured request goes: a base URL, the headers that pick the route, and the body's model. */
export type Target = {
  /** `direct`, `gateway`, `portkey`, … as shown in the results. */
  name: string;
  /** Full URL of the chat completions endpoint. */
  url: URL;
  headers: Record<string, string>;
  model: string;
  /** One keep-alive pool per target, so connection reuse is the same for every target. */
  agent: Agent;
};

export type RequestResult = {
  status: number;
  /** Milliseconds from sending to the response headers. */
  headersMs: number;
  /** Milliseconds from sending to the first body byte (for a stream: the first event). */
  firstByteMs: number;
  /** Milliseconds from sending to the last body byte. */
  totalMs: number;
  bodyBytes: number;
  /** Stamped deltas (see the bench upstream's `stampChunks`): arrival minus send, per stamp, in milliseconds. */
  relayMs: number[];
  /** The body, kept only when asked (to check the answer), as it costs memory under load. */
  body?: string;
  /** Whether a stream ended with `data: [DONE]`. */
  sawDone: boolean;
  /** The gateway's own account of its time (`x-gateway-overhead-ms`); NaN from other targets. */
  selfReportedMs: number;
};

/** A keep-alive pool without a socket cap: concurrency is what the scenario asks for, never queued here. */
export function createAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, keepAliveMsecs: 30_000 });
}

export function createTarget(options: {
  name: string;
  url: string;
  headers: Record<string, string>;
  model: string;
}): Target {
  return { ...options, url: new URL(options.url), agent: createAgent() };
}

/** The conversation every request carries (in each route's own shape), so the work differs only by the route. */
export const CHAT_MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Say something short.' },
];

/** The request body every target gets, so the work differs only by the route. */
export function chatBody(options: { model: string; stream: boolean }): string {
  return JSON.stringify({
    model: options.model,
    messages: CHAT_MESSAGES,
    stream: options.stream,
    ...(options.stream ? { stream_options: { include_usage: true } } : {}),
  });
}

/**
 * One request timed with `process.hrtime.bigint()`. Reads the body to the end (a stream too) and never throws: a
 * failure is a result with status 0, so a load loop counts it as an error and goes on.
 */
export function timedRequest(options: {
  target: Target;
  body: string;
  timeoutMs: number;
  keepBody?: boolean;
  /** Parse stamped deltas out of the body as it arrives. */
  readStamps?: boolean;
}): Promise<RequestResult> {
  const { target } = options;
  const startedAt = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - startedAt) / 1e6;
  return new Promise((resolve) => {
    let settled = false;
    const result: RequestResult = {
      status: 0,
      headersMs: Number.NaN,
      firstByteMs: Number.NaN,
      totalMs: Number.NaN,
      bodyBytes: 0,
      relayMs: [],
      sawDone: false,
      selfReportedMs: Number.NaN,
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const outgoing = request(
      {
        protocol: target.url.protocol,
        hostname: target.url.hostname,
        port: target.url.port,
        path: `${target.url.pathname}${target.url.search}`,
        method: 'POST',
        agent: target.agent,
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(options.body),
        },
      },
      (incoming) => {
        result.headersMs = elapsed();
        result.status = incoming.statusCode ?? 0;
        result.selfReportedMs = Number(incoming.headers['x-gateway-overhead-ms'] ?? Number.NaN);
        let text = '';
        // Stamps are scanned from here on, so a stamp split across two reads is read once it is whole.
        let scanFrom = 0;
        const needsText = options.keepBody === true || options.readStamps === true;
        let tail = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => {
          if (result.bodyBytes === 0) result.firstByteMs = elapsed();
          result.bodyBytes += chunk.length;
          if (needsText) text += chunk;
          else tail = (tail + chunk).slice(-64);
          if (options.readStamps === true) {
            const arrivedAt = wallClockMs();
            const lastSemicolon = text.lastIndexOf(';');
            if (lastSemicolon >= scanFrom) {
              for (const stamp of readStamps(text.slice(scanFrom, lastSemicolon + 1))) {
                result.relayMs.push(arrivedAt - stamp);
              }
              scanFrom = lastSemicolon + 1;
            }
          }
        });
        incoming.on('end', () => {
          result.totalMs = elapsed();
          const ending = needsText ? text.slice(-64) : tail;
          result.sawDone = ending.includes('data: [DONE]');
          if (options.keepBody === true) result.body = text;
          finish();
        });
        incoming.on('error', () => {
          result.status = 0;
          finish();
        });
        incoming.on('aborted', () => {
          result.status = 0;
          finish();
        });
      },
    );
    const timer = setTimeout(() => {
      result.status = 0;
      outgoing.destroy(new Error('timed out'));
      finish();
    }, options.timeoutMs);
    outgoing.on('error', () => {
      result.status = 0;
      finish();
    });
    outgoing.end(options.body);
  });
}
