import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { trackFakeServer, untrackFakeServer } from '../close-all-fake-servers.ts';
import { CodedTypeError } from '../coded-type-error.ts';
import {
  type BenchUsage,
  buildBenchCompletion,
  buildBenchUsage,
  createBenchChunkWriter,
  formatStamp,
  wallClockMs,
} from './bench-upstream-frames.ts';

export const DEFAULT_BENCH_UPSTREAM_API_KEY = 'sk-bench-000000000000000000000000';
export const DEFAULT_BENCH_UPSTREAM_MODELS: readonly string[] = ['gpt-bench'];

export type BenchUpstreamOptions = {
  /** The only bearer key accepted. Default {@link DEFAULT_BENCH_UPSTREAM_API_KEY}. */
  apiKey?: string;
  /** Ids listed at `/v1/models` and accepted as `model`. Default {@link DEFAULT_BENCH_UPSTREAM_MODELS}. */
  models?: readonly string[];
  /** Content deltas per streamed answer (the non-stream answer joins them). Default 16. */
  chunkCount?: number;
  /** Wait before each content delta, like a model generating tokens; 0 (the default) writes them back to back. */
  chunkDelayMs?: number;
  /**
   * Each content delta is its send time (`t=<wall-clock ms>;`, see `readStamps`), so a client can measure how long
   * every chunk took to reach it — directly or through a relay. Default false: a fixed text.
   */
  stampChunks?: boolean;
  /** A fixed loopback port; default an ephemeral one. */
  port?: number;
};

export type BenchUpstreamStats = {
  chatCompletions: number;
  streams: number;
  models: number;
  /** Requests answered with an error (bad key, path, body or model). */
  rejected: number;
};

export type BenchUpstream = {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `<url>/v1`: the base URL an OpenAI-compatible client takes. */
  readonly baseUrl: string;
  readonly port: number;
  readonly apiKey: string;
  /** Counters only: recording bodies would make a long run slower and bigger with every request. */
  readonly stats: Readonly<BenchUpstreamStats>;
  close(): Promise<void>;
};

const DELTA_TEXT = 'lorem ipsum ';
const STATS_PATH = '/__bench/stats';

/**
 * A fast OpenAI-compatible upstream for benchmarks: `POST /v1/chat/completions` (stream or not) and
 * `GET /v1/models` in api.openai.com's wire format, with a configurable number of chunks and optional per-chunk
 * delay. Unlike `startFakeOpenAiApi` it records nothing and checks only what decides the answer (key, JSON, model,
 * messages), so a request costs it microseconds and what a benchmark measures is the client or relay in front.
 */
export async function startBenchUpstream(options: BenchUpstreamOptions = {}): Promise<BenchUpstream> {
  const apiKey = options.apiKey ?? DEFAULT_BENCH_UPSTREAM_API_KEY;
  const models = [...(options.models ?? DEFAULT_BENCH_UPSTREAM_MODELS)];
  const chunkCount = options.chunkCount ?? 16;
  const chunkDelayMs = options.chunkDelayMs ?? 0;
  if (!(Number.isInteger(chunkCount) && chunkCount >= 1 && chunkCount <= 10_000)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"chunkCount" must be an integer 1–10000' });
  }
  if (!(Number.isFinite(chunkDelayMs) && chunkDelayMs >= 0 && chunkDelayMs <= 60_000)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"chunkDelayMs" must be 0–60000' });
  }
  if (models.length === 0 || models.some((id) => typeof id !== 'string' || id === '')) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"models" must be non-empty strings' });
  }
  const config: UpstreamConfig = {
    apiKey,
    authorization: `Bearer ${apiKey}`,
    models: new Set(models),
    modelList: JSON.stringify({
      object: 'list',
      data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'bench' })),
    }),
    chunkCount,
    chunkDelayMs,
    stampChunks: options.stampChunks === true,
  };
  const stats: BenchUpstreamStats = { chatCompletions: 0, streams: 0, models: 0, rejected: 0 };
  let serial = 0;

  const server = createServer((incoming, reply) => {
    const nextId = () => {
      serial += 1;
      return `chatcmpl-bench${serial}`;
    };
    handle({ incoming, reply, config, stats, nextId });
  });
  // Longer than any client's idle timeout (undici's is 4 s), so a pooled connection is never closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = await listen(server, options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  const upstream: BenchUpstream = {
    url,
    baseUrl: `${url}/v1`,
    port,
    apiKey,
    stats,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error == null ? resolve() : reject(error)));
        server.closeAllConnections();
      }).finally(() => untrackFakeServer(upstream));
      return closing;
    },
  };
  // `closeAllFakeServers()` closes it too, so a failed test leaks no port.
  trackFakeServer(upstream);
  return upstream;
}

type UpstreamConfig = {
  apiKey: string;
  authorization: string;
  models: ReadonlySet<string>;
  modelList: string;
  chunkCount: number;
  chunkDelayMs: number;
  stampChunks: boolean;
};

type HandleOptions = {
  incoming: IncomingMessage;
  reply: ServerResponse;
  config: UpstreamConfig;
  stats: BenchUpstreamStats;
  nextId: () => string;
};

function handle(options: HandleOptions): void {
  const { incoming, reply, config, stats } = options;
  const path = (incoming.url ?? '/').split('?')[0];
  if (incoming.method === 'GET' && path === STATS_PATH) {
    sendText(reply, 200, JSON.stringify(stats));
    return;
  }
  if (incoming.headers.authorization !== config.authorization) {
    stats.rejected += 1;
    incoming.resume();
    sendError(reply, 401, {
      message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
    return;
  }
  if (incoming.method === 'GET' && path === '/v1/models') {
    stats.models += 1;
    sendText(reply, 200, config.modelList);
    return;
  }
  if (incoming.method === 'POST' && path === '/v1/chat/completions') {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => answerChat({ ...options, rawBody: Buffer.concat(chunks).toString('utf8') }));
    incoming.on('error', () => reply.destroy());
    return;
  }
  stats.rejected += 1;
  incoming.resume();
  sendError(reply, 404, {
    message: `Invalid URL (${incoming.method} ${path})`,
    type: 'invalid_request_error',
    code: null,
  });
}

function answerChat(options: HandleOptions & { rawBody: string }): void {
  const { reply, config, stats } = options;
  let body: unknown;
  try {
    body = JSON.parse(options.rawBody);
  } catch {
    stats.rejected += 1;
    sendError(reply, 400, {
      message: 'We could not parse the JSON body of your request.',
      type: 'invalid_request_error',
      code: null,
    });
    return;
  }
  const request = body as { model?: unknown; messages?: unknown; stream?: unknown; stream_options?: unknown };
  if (body == null || typeof body !== 'object' || !Array.isArray(request.messages) || request.messages.length === 0) {
    stats.rejected += 1;
    sendError(reply, 400, {
      message: "Invalid value for 'messages': expected a non-empty array.",
      type: 'invalid_request_error',
      code: 'invalid_value',
    });
    return;
  }
  if (typeof request.model !== 'string' || !config.models.has(request.model)) {
    stats.rejected += 1;
    sendError(reply, 404, {
      message: `The model \`${String(request.model)}\` does not exist or you do not have access to it.`,
      type: 'invalid_request_error',
      code: 'model_not_found',
    });
    return;
  }
  stats.chatCompletions += 1;
  const id = options.nextId();
  const created = Math.floor(Date.now() / 1000);
  const promptChars = options.rawBody.length;
  if (request.stream === true) {
    stats.streams += 1;
    const includeUsage = (request.stream_options as { include_usage?: unknown } | null)?.include_usage === true;
    writeStream({ reply, config, id, created, model: request.model, includeUsage, promptChars });
    return;
  }
  const finish = () => {
    const content = config.stampChunks ? formatStamp(wallClockMs()) : DELTA_TEXT.repeat(config.chunkCount);
    const usage = buildBenchUsage({ promptChars, completionChars: DELTA_TEXT.length * config.chunkCount });
    const completion = buildBenchCompletion({ id, created, model: request.model as string, content, usage });
    sendText(reply, 200, JSON.stringify(completion));
  };
  // A non-stream answer arrives when the whole answer is generated: after every chunk's delay.
  if (config.chunkDelayMs > 0) {
    const timer = setTimeout(finish, config.chunkDelayMs * config.chunkCount);
    reply.once('close', () => clearTimeout(timer));
  } else {
    finish();
  }
}

function writeStream(options: {
  reply: ServerResponse;
  config: UpstreamConfig;
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
  promptChars: number;
}): void {
  const { reply, config } = options;
  const frames = createBenchChunkWriter(options);
  reply.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': `req_${options.id}`,
  });
  // The first frame goes out with the headers, as OpenAI's does: the role chunk opens every answer.
  reply.write(frames.delta({ role: 'assistant', content: '', refusal: null }));
  const usage: BenchUsage = buildBenchUsage({
    promptChars: options.promptChars,
    completionChars: DELTA_TEXT.length * config.chunkCount,
  });
  const contentFrame = () => frames.delta({ content: config.stampChunks ? formatStamp(wallClockMs()) : DELTA_TEXT });
  const end = () => {
    let last = frames.delta({}, 'stop');
    if (options.includeUsage) last += frames.usage(usage);
    reply.end(`${last}data: [DONE]\n\n`);
  };

  if (config.chunkDelayMs === 0) {
    // Each delta its own write, as a real server flushes each token; no timer between them.
    for (let index = 0; index < config.chunkCount; index += 1) reply.write(contentFrame());
    end();
    return;
  }
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    if (reply.destroyed) return;
    reply.write(contentFrame());
    sent += 1;
    if (sent === config.chunkCount) end();
    else timer = setTimeout(next, config.chunkDelayMs);
  };
  timer = setTimeout(next, config.chunkDelayMs);
  // The client left: stop generating for it.
  reply.once('close', () => clearTimeout(timer));
}

function sendText(reply: ServerResponse, status: number, text: string): void {
  reply.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  reply.end(text);
}

function sendError(
  reply: ServerResponse,
  status: number,
  error: { message: string; type: string; code: string | null },
): void {
  sendText(reply, status, JSON.stringify({ error: { ...error, param: null } }));
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback only, like every fake: a benchmark's traffic never leaves the machine.
    server.listen({ port, host: '127.0.0.1' }, () => {
      server.off('error', reject);
      const address = server.address();
      if (address == null || typeof address === 'string') {
        reject(new Error(`bench upstream bound to an unexpected address: ${String(address)}`));
        return;
      }
      resolve(address.port);
    });
  });
}
