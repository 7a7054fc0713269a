import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodexChatModel } from './codex/codex-chat-model.ts';
import { parseRetryAfter } from './common/parse-retry-after.ts';
import { readSseEvents } from './common/parse-sse-stream.ts';
import { ProviderError } from './errors/provider-error.ts';
import { OpenAiChatStreamState } from './openai/openai-chat-stream-state.ts';
import { checkStreamContract } from './test/check-stream-contract.ts';
import { createSseResponse } from './test/create-sse-response.ts';

// Issue 16: property-based fuzzing. FUZZ_RUNS raises or lowers the count; fast-check prints the seed and path of a
// failure, and FUZZ_SEED replays it.
const FUZZ = { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), ...seedFromEnvironment() };

function seedFromEnvironment(): { seed?: number } {
  return process.env.FUZZ_SEED == null ? {} : { seed: Number(process.env.FUZZ_SEED) };
}

function readerOf(chunks: Uint8Array[]) {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  }).getReader();
}

async function readAllEvents(chunks: Uint8Array[]) {
  const events = readSseEvents(readerOf(chunks));
  const read: { event: string | undefined; data: string }[] = [];
  for (let result = await events.read(); !result.done; result = await events.read()) {
    read.push({ event: result.value.event, data: result.value.data });
  }
  return read;
}

/** Cuts bytes at the given offsets (anywhere, including inside a multi-byte character). */
function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const cuts = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.slice(start, cut));
    start = cut;
  }
  return chunks;
}

const sseField = fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => text.replace(/[\r\n]/g, ' '));
const sseEvents = fc.array(
  fc.record({ event: fc.option(sseField.filter((name) => name.trim() !== '')), data: sseField }),
  {
    maxLength: 12,
  },
);

// Codex events as the backend sends them, with ids, indexes and order left to chance: the adapter must keep our
// stream contract (docs/architecture.md §3.5) whatever order or omissions the upstream produces.
const itemId = fc.constantFrom('msg_1', 'rs_1', 'fc_1', 'fc_2');
const text = fc.string({ maxLength: 12 });
const codexItem = fc.oneof(
  fc.record({ type: fc.constant('message'), id: itemId, role: fc.constant('assistant'), content: fc.constant([]) }),
  fc.record({
    type: fc.constant('reasoning'),
    id: itemId,
    summary: fc.constant([]),
    encrypted_content: fc.option(text),
  }),
  fc.record({
    type: fc.constant('function_call'),
    id: itemId,
    call_id: fc.constantFrom('call_1', 'call_2'),
    name: fc.constantFrom('get_weather', 'lookup'),
    // JSON or empty: a model's malformed arguments are passed on verbatim by design (as OpenAI's API does), which the
    // contract checker would count as a problem.
    arguments: fc.oneof(fc.constant(''), fc.json({ maxDepth: 1 })),
  }),
  fc.record({ type: fc.constantFrom('web_search_call', 'unknown_item'), id: itemId }),
);
const usage = fc.option(
  fc.record({
    input_tokens: fc.nat(5000),
    output_tokens: fc.nat(5000),
    total_tokens: fc.nat(10_000),
    input_tokens_details: fc.record({ cached_tokens: fc.nat(5000) }),
    output_tokens_details: fc.record({ reasoning_tokens: fc.nat(5000) }),
  }),
);
const response = (status: string) =>
  fc.record({
    id: fc.constant('resp_1'),
    object: fc.constant('response'),
    created_at: fc.constant(1767000000),
    status: fc.constant(status),
    model: fc.constant('gpt-5.5'),
    output: fc.constant([]),
    usage,
    incomplete_details: fc.option(fc.record({ reason: fc.constantFrom('max_output_tokens', 'content_filter') })),
    error: fc.option(fc.record({ code: fc.constantFrom('server_error', 'rate_limit_exceeded'), message: text })),
  });
const codexEvent = fc.oneof(
  response('in_progress').map((value) => ({ type: 'response.created', response: value })),
  fc
    .record({ item: codexItem, output_index: fc.nat(3) })
    .map((value) => ({ type: 'response.output_item.added', ...value })),
  fc
    .record({ item: codexItem, output_index: fc.nat(3) })
    .map((value) => ({ type: 'response.output_item.done', ...value })),
  fc
    .record({ item_id: itemId, delta: text, output_index: fc.nat(3), content_index: fc.nat(1) })
    .chain((value) =>
      fc.constantFrom('response.output_text.delta', 'response.refusal.delta').map((type) => ({ type, ...value })),
    ),
  fc
    .record({ item_id: itemId, delta: text, output_index: fc.nat(3), summary_index: fc.nat(2) })
    .chain((value) =>
      fc
        .constantFrom('response.reasoning_summary_text.delta', 'response.reasoning_text.delta')
        .map((type) => ({ type, ...value })),
    ),
  fc
    .record({ item_id: itemId, output_index: fc.nat(3), summary_index: fc.nat(2) })
    .map((value) => ({ type: 'response.reasoning_summary_part.added', ...value })),
  fc
    .record({ item_id: itemId, delta: text, output_index: fc.nat(3) })
    .map((value) => ({ type: 'response.function_call_arguments.delta', ...value })),
  fc
    .constantFrom('completed', 'incomplete', 'failed')
    .chain((status) => response(status).map((value) => ({ type: `response.${status}`, response: value }))),
  fc
    .record({
      code: fc.option(fc.constantFrom('server_error', 'rate_limit_exceeded', 'context_length_exceeded')),
      message: text,
    })
    .map((value) => ({ type: 'error', ...value })),
  fc.jsonValue({ maxDepth: 2 }),
);

async function streamCodexEvents(lines: string[]): Promise<LanguageModelV3StreamPart[] | ProviderError> {
  const model = createCodexChatModel({
    modelId: 'gpt-5.5',
    baseUrl: 'https://chatgpt.example/backend-api',
    fetch: async () => createSseResponse(lines, { chunkSize: 7 }),
    getCredentials: async () => ({ accessToken: 'access-1', accountId: 'acct-1' }),
    conversationId: 'conversation-1',
    originator: 'pag_gateway',
    userAgent: 'pag_gateway/0.1.0',
  });
  try {
    const result = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
    const parts: LanguageModelV3StreamPart[] = [];
    const reader = result.stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
    return parts;
  } catch (error) {
    // Before the first output the adapter throws; it must be one of our typed errors, never a TypeError or the like.
    if (error instanceof ProviderError) return error;
    throw error;
  }
}

describe('issue 16: fuzzing the stream parsers', () => {
  it('should read the same SSE events however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(sseEvents, fc.array(fc.nat(), { maxLength: 8 }), async (events, offsets) => {
        const text = events
          .map(({ event, data }) => `${event == null ? '' : `event: ${event}\n`}data: ${data}\n\n`)
          .join('');
        const bytes = new TextEncoder().encode(text);
        expect(await readAllEvents(cutAt(bytes, offsets))).toEqual(await readAllEvents([bytes]));
      }),
      FUZZ,
    );
  });

  it('should never throw on arbitrary bytes in an SSE body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), async (chunks) => {
        const events = await readAllEvents(chunks);
        expect(Array.isArray(events)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('should keep the stream contract or throw a typed error for any sequence of Codex events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            { weight: 9, arbitrary: codexEvent.map((event) => JSON.stringify(event)) },
            { weight: 1, arbitrary: text },
          ),
          {
            maxLength: 14,
          },
        ),
        async (lines) => {
          const outcome = await streamCodexEvents(lines.filter((line) => line.trim() !== ''));
          if (!Array.isArray(outcome)) return;
          expect(checkStreamContract(outcome)).toEqual([]);
        },
      ),
      FUZZ,
    );
  });

  it('should read any Retry-After value as a bounded number of seconds or nothing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.integer().map(String),
          fc.date().map((date) => date.toUTCString()),
        ),
        (value) => {
          const seconds = parseRetryAfter({ 'retry-after': value });
          expect(seconds === undefined || (Number.isFinite(seconds) && seconds >= 0)).toBe(true);
        },
      ),
      FUZZ,
    );
  });
});

// Issue 22: OpenAI-compatible text deltas are read through a template learned from one parsed chunk
// (openai/content-delta-template.ts). Whatever the server writes — escapes of any kind, a quote or control character
// left raw, a chunk cut short, another id, other chunk kinds in between — the parts must be those a full parse gives.
describe('issue 22: OpenAI-compatible chunks through a learned template', () => {
  const content = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.constantFrom('', 'a', '"', '\\', '\\"', 'word ', '\u2028', '</script>', 'gpt-bench', 'chatcmpl-1', '\u0001'),
  );
  /** How the server writes the content: as JSON does, with every character escaped, or broken on purpose. */
  const encoding = fc.constantFrom('json', 'json', 'json', 'escape-all', 'raw', 'cut');
  const encode = (text: string, how: string) => {
    if (how === 'escape-all') {
      return `"${[...text].map((char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0').slice(-4)}`).join('')}"`;
    }
    if (how === 'raw') return `"${text}"`;
    if (how === 'cut') return JSON.stringify(text).slice(0, -1);
    return JSON.stringify(text);
  };
  const head = (id: string) =>
    `{"id":"${id}","object":"chat.completion.chunk","created":1767000000,"model":"gpt-bench","choices":`;
  const chunk = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('text'),
        id: fc.constantFrom('c1', 'c1', 'c2'),
        content,
        how: encoding,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constantFrom('finish', 'usage', 'tool', 'reasoning', 'refusal', 'role'),
        id: fc.constant('c1'),
        content,
        how: fc.constant('json'),
      }),
    },
  );
  const render = ({ kind, id, content: text, how }: { kind: string; id: string; content: string; how: string }) => {
    const value = encode(text, how);
    switch (kind) {
      case 'text':
        return `${head(id)}[{"index":0,"delta":{"content":${value}},"logprobs":null,"finish_reason":null}],"usage":null}`;
      case 'finish':
        return `${head(id)}[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`;
      case 'usage':
        return `${head(id)}[],"usage":{"prompt_tokens":3,"completion_tokens":4}}`;
      case 'tool':
        return `${head(id)}[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":${value}}}]},"finish_reason":null}],"usage":null}`;
      case 'reasoning':
        return `${head(id)}[{"index":0,"delta":{"content":${value},"reasoning_content":"r"},"finish_reason":null}],"usage":null}`;
      case 'refusal':
        return `${head(id)}[{"index":0,"delta":{"content":${value},"refusal":"no"},"finish_reason":null}],"usage":null}`;
      default:
        return `${head(id)}[{"index":0,"delta":{"role":"assistant","content":${value}},"finish_reason":null}],"usage":null}`;
    }
  };
  const partsOf = (events: string[], usesTemplate: boolean) => {
    const state = new OpenAiChatStreamState({
      url: 'https://x.example',
      providerName: 'openai',
      includeRawChunks: false,
      usesTemplate,
    });
    const parts: unknown[] = [];
    for (const data of events) parts.push(...state.handleEvent(data));
    parts.push(...state.finish());
    return parts.map((part) =>
      (part as LanguageModelV3StreamPart).type === 'error'
        ? { type: 'error', message: String(((part as { error: unknown }).error as Error)?.message ?? part) }
        : part,
    );
  };

  it('issue 22: gives the parts a full parse gives, for any chunks', () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 14 }), (chunks) => {
        const events = chunks.map(render).map((data) => Buffer.from(data).toString());
        expect(partsOf(events, true)).toEqual(partsOf(events, false));
      }),
      FUZZ,
    );
  });

  it('issue 22: reads a plain stream’s later text deltas without a full parse', () => {
    const events = ['a', 'b"c', 'd\\e', 'f'].map((text) =>
      render({ kind: 'text', id: 'c1', content: text, how: 'json' }),
    );
    const parse = JSON.parse;
    let parses = 0;
    JSON.parse = (...args: Parameters<typeof JSON.parse>) => {
      parses++;
      return parse(...args);
    };
    try {
      partsOf(events, true);
    } finally {
      JSON.parse = parse;
    }
    // The first chunk, the template's probe, and the two contents with escapes (each only their string).
    expect(parses).toBe(4);
  });
});
