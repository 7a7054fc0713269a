import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trackFakeServer, untrackFakeServer } from '../close-all-fake-servers.ts';
import { sendJson } from '../send-json.ts';
import type { BenchAnswer } from './bench-upstream-frames.ts';
import {
  benchUsage,
  buildBenchCompletion,
  createBenchChunkWriter,
  formatStamp,
  wallClockMs,
} from './bench-upstream-frames.ts';

export const DEFAULT_BENCH_UPSTREAM_API_KEY = 'sk-bench-000000000000000000000000';

export type BenchUpstreamOptions = {
  /** The only bearer key accepted. Default {@link DEFAULT_BENCH_UPSTREAM_API_KEY}. */
  apiKey?: string;
  /** Ids listed at `/v1/models` and accepted as `model`. Default `['gpt-bench']`. */
  models?: readonly string[];
  /** Content deltas per streamed answer (the non-stream answer joins them). Default 16. */
  chunkCount?: number;
  /** Wait before each content delta, like a model generating tokens; 0 (the default) writes them back to back. */
  chunkDelayMs?: number;
  /** Each content delta is its send time (`t=<wall-clock ms>;`, see `readStamps`), to time relays. Default false. */
  stampChunks?: boolean;
  /** A fixed loopback port; default an ephemeral one. */
  port?: number;
};

const DELTA_TEXT = 'lorem ipsum ';

// Deliberately not built on defineFake: recording every request would distort what a benchmark measures.
/**
 * A fast OpenAI-compatible upstream for benchmarks (`POST /v1/chat/completions`, `GET /v1/models`): it checks only what
 * decides the answer and counts instead of recording, so a benchmark measures the client or relay in front.
 */
export async function startBenchUpstream(options: BenchUpstreamOptions = {}) {
  const config = configure(options);
  const server = createServer((incoming, reply) => handle(config, incoming, reply));
  // Longer than any client's idle timeout (undici's is 4 s), so a pooled connection is never closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Loopback only, like every fake: a benchmark's traffic never leaves the machine.
  server.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  const upstream = {
    url,
    /** `<url>/v1`: the base URL an OpenAI-compatible client takes. */
    baseUrl: `${url}/v1`,
    port,
    apiKey: config.apiKey,
    /** Also served at `GET /__bench/stats`. */
    stats: config.stats as Readonly<BenchConfig['stats']>,
    close(): Promise<void> {
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

type BenchConfig = ReturnType<typeof configure>;

function configure(options: BenchUpstreamOptions) {
  const apiKey = options.apiKey ?? DEFAULT_BENCH_UPSTREAM_API_KEY;
  const models = options.models ?? ['gpt-bench'];
  let serial = 0;
  return {
    apiKey,
    authorization: `Bearer ${apiKey}`,
    models: new Set(models),
    modelList: {
      object: 'list',
      data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'bench' })),
    },
    chunkCount: options.chunkCount ?? 16,
    chunkDelayMs: options.chunkDelayMs ?? 0,
    stampChunks: options.stampChunks === true,
    // Counters only: recording bodies would make a long run slower and bigger with every request.
    stats: { chatCompletions: 0, streams: 0, models: 0, rejected: 0 },
    nextId: () => {
      serial += 1;
      return `chatcmpl-bench${serial}`;
    },
  };
}

function handle(config: BenchConfig, incoming: IncomingMessage, reply: ServerResponse): void {
  const path = (incoming.url ?? '/').split('?')[0];
  const route = `${incoming.method} ${path}`;
  const isAuthorized = incoming.headers.authorization === config.authorization;
  if (isAuthorized && route === 'POST /v1/chat/completions') {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => answerChat(config, reply, Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', () => reply.destroy());
    return;
  }
  // No other answer reads the body.
  incoming.resume();
  if (route === 'GET /__bench/stats') {
    sendJson({ reply, body: config.stats });
  } else if (!isAuthorized) {
    const message =
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.';
    refuse(config, reply, 401, message, 'invalid_api_key');
  } else if (route === 'GET /v1/models') {
    config.stats.models += 1;
    sendJson({ reply, body: config.modelList });
  } else {
    refuse(config, reply, 404, `Invalid URL (${route})`);
  }
}

type ChatRequest = Partial<Record<'model' | 'messages' | 'stream', unknown>> & {
  stream_options?: { include_usage?: unknown };
};

function answerChat(config: BenchConfig, reply: ServerResponse, rawBody: string): void {
  let request: ChatRequest;
  try {
    request = JSON.parse(rawBody) ?? {};
  } catch {
    refuse(config, reply, 400, 'We could not parse the JSON body of your request.');
    return;
  }
  const { model } = request;
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    const message = "Invalid value for 'messages': expected a non-empty array.";
    refuse(config, reply, 400, message, 'invalid_value');
    return;
  }
  if (typeof model !== 'string' || !config.models.has(model)) {
    const message = `The model \`${String(model)}\` does not exist or you do not have access to it.`;
    refuse(config, reply, 404, message, 'model_not_found');
    return;
  }
  config.stats.chatCompletions += 1;
  const answer = { id: config.nextId(), created: Math.floor(Date.now() / 1000), model };
  const usage = benchUsage(rawBody.length, DELTA_TEXT.length * config.chunkCount);
  if (request.stream === true) {
    config.stats.streams += 1;
    writeStream(config, reply, { ...answer, usage, includeUsage: request.stream_options?.include_usage === true });
    return;
  }
  const finish = () => {
    const content = config.stampChunks ? formatStamp(wallClockMs()) : DELTA_TEXT.repeat(config.chunkCount);
    sendJson({ reply, body: buildBenchCompletion({ ...answer, content, usage }) });
  };
  // A non-stream answer arrives when the whole answer is generated: after every chunk's delay.
  if (config.chunkDelayMs === 0) {
    finish();
    return;
  }
  const timer = setTimeout(finish, config.chunkDelayMs * config.chunkCount);
  reply.once('close', () => clearTimeout(timer));
}

function writeStream(
  config: BenchConfig,
  reply: ServerResponse,
  answer: BenchAnswer & { includeUsage: boolean; usage: unknown },
): void {
  const frames = createBenchChunkWriter(answer);
  reply.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': `req_${answer.id}`,
  });
  // The first frame goes out with the headers, as OpenAI's does: the role chunk opens every answer.
  reply.write(frames.delta({ role: 'assistant', content: '', refusal: null }));
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const writeDeltas = () => {
    // Each delta its own write, as a real server flushes each token; without a delay, no timer between them.
    do {
      if (reply.destroyed) return;
      reply.write(frames.delta({ content: config.stampChunks ? formatStamp(wallClockMs()) : DELTA_TEXT }));
      sent += 1;
    } while (config.chunkDelayMs === 0 && sent < config.chunkCount);
    if (sent < config.chunkCount) {
      timer = setTimeout(writeDeltas, config.chunkDelayMs);
      return;
    }
    const usage = answer.includeUsage ? frames.usage(answer.usage) : '';
    reply.end(`${frames.delta({}, 'stop')}${usage}data: [DONE]\n\n`);
  };
  if (config.chunkDelayMs === 0) writeDeltas();
  else timer = setTimeout(writeDeltas, config.chunkDelayMs);
  reply.once('close', () => clearTimeout(timer));
}

/** Answers with an error in api.openai.com's envelope and counts it. */
function refuse(config: BenchConfig, reply: ServerResponse, status: number, message: string, code?: string): void {
  config.stats.rejected += 1;
  const error = { message, type: 'invalid_request_error', code: code ?? null, param: null };
  sendJson({ reply, status, body: { error } });
}
