import { z } from 'zod';

// Wire schemas for the ChatGPT Codex backend (`/backend-api/codex`). Minimal on purpose: only the fields the adapter
// reads, all nullish and loose, so an upstream that adds or drops a field does not break parsing. The chunk union
// ends with a catch-all: an unknown event type never fails the stream.
// See docs/codex-protocol.md §6.2 for the event catalogue.

export const codexUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  input_tokens_details: z
    .looseObject({ cached_tokens: z.number().nullish(), cache_write_tokens: z.number().nullish() })
    .nullish(),
  output_tokens: z.number().nullish(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
  total_tokens: z.number().nullish(),
});
export type CodexUsage = z.infer<typeof codexUsageSchema>;

/** The error object of `error` events, `response.failed` and HTTP error bodies. */
export const codexErrorObjectSchema = z.looseObject({
  type: z.string().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  param: z.string().nullish(),
  plan_type: z.string().nullish(),
  resets_at: z.number().nullish(),
  resets_in_seconds: z.number().nullish(),
});
export type CodexErrorObject = z.infer<typeof codexErrorObjectSchema>;

/**
 * The response object of a lifecycle event, only the fields the adapter reads: the backend echoes the whole request
 * in it (instructions, tools, the input's settings), which a loose schema copied key by key on every event — a
 * visible part of each subscription answer's own time (issue 22 profile). The raw event keeps everything.
 */
const responseSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created_at: z.number().nullish(),
  status: z.string().nullish(),
  usage: codexUsageSchema.nullish(),
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
  error: codexErrorObjectSchema.nullish(),
});

const messageItemSchema = z.looseObject({
  type: z.literal('message'),
  id: z.string().nullish(),
  role: z.string().nullish(),
  content: z
    .array(z.looseObject({ type: z.string(), text: z.string().nullish(), refusal: z.string().nullish() }))
    .nullish(),
});

const reasoningItemSchema = z.looseObject({
  type: z.literal('reasoning'),
  id: z.string().nullish(),
  summary: z.array(z.looseObject({ type: z.string().nullish(), text: z.string().nullish() })).nullish(),
  encrypted_content: z.string().nullish(),
});

const functionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().nullish(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string().nullish(),
});

const otherItemSchema = z.looseObject({ type: z.string(), id: z.string().nullish() });

export const codexOutputItemSchema = z.union([
  messageItemSchema,
  reasoningItemSchema,
  functionCallItemSchema,
  otherItemSchema,
]);
export type CodexOutputItem = z.infer<typeof codexOutputItemSchema>;
export type CodexMessageItem = z.infer<typeof messageItemSchema>;
export type CodexReasoningItem = z.infer<typeof reasoningItemSchema>;
export type CodexFunctionCallItem = z.infer<typeof functionCallItemSchema>;

// The union falls back to the loose item schema when a known type has malformed fields, so narrowing checks the
// fields it reads, not just `type`.
export function isCodexMessageItem(item: CodexOutputItem): item is CodexMessageItem {
  return item.type === 'message' && (!('content' in item) || item.content == null || Array.isArray(item.content));
}

export function isCodexReasoningItem(item: CodexOutputItem): item is CodexReasoningItem {
  return item.type === 'reasoning' && (!('summary' in item) || item.summary == null || Array.isArray(item.summary));
}

export function isCodexFunctionCallItem(item: CodexOutputItem): item is CodexFunctionCallItem {
  return (
    item.type === 'function_call' &&
    'call_id' in item &&
    typeof item.call_id === 'string' &&
    'name' in item &&
    typeof item.name === 'string'
  );
}

const lifecycleChunkSchema = z.looseObject({
  type: z.enum([
    'response.created',
    'response.in_progress',
    'response.completed',
    'response.done',
    'response.incomplete',
    'response.failed',
  ]),
  response: responseSchema,
});

const errorChunkSchema = z.looseObject({
  type: z.literal('error'),
  error: codexErrorObjectSchema.nullish(),
  // The flat variant carries these at the top level.
  code: z.string().nullish(),
  message: z.string().nullish(),
  status: z.number().nullish(),
});

const outputItemChunkSchema = z.looseObject({
  type: z.enum(['response.output_item.added', 'response.output_item.done']),
  output_index: z.number().nullish(),
  item: codexOutputItemSchema,
});

const textDeltaChunkSchema = z.looseObject({
  type: z.enum(['response.output_text.delta', 'response.refusal.delta']),
  item_id: z.string(),
  delta: z.string(),
});

const reasoningSummaryPartAddedChunkSchema = z.looseObject({
  type: z.literal('response.reasoning_summary_part.added'),
  item_id: z.string(),
  summary_index: z.number(),
});

const reasoningDeltaChunkSchema = z.looseObject({
  type: z.enum(['response.reasoning_summary_text.delta', 'response.reasoning_text.delta']),
  item_id: z.string(),
  summary_index: z.number().nullish(),
  content_index: z.number().nullish(),
  delta: z.string(),
});

const functionCallArgumentsDeltaChunkSchema = z.looseObject({
  type: z.literal('response.function_call_arguments.delta'),
  item_id: z.string(),
  delta: z.string(),
});

const unknownChunkSchema = z
  .looseObject({ type: z.string() })
  .transform((value) => ({ type: 'unknown_chunk' as const, rawType: value.type }));

/** The chunk schemas of known types; anything else is an unknown chunk. */
const TYPED_CHUNK_SCHEMAS = [
  lifecycleChunkSchema,
  errorChunkSchema,
  outputItemChunkSchema,
  textDeltaChunkSchema,
  reasoningSummaryPartAddedChunkSchema,
  reasoningDeltaChunkSchema,
  functionCallArgumentsDeltaChunkSchema,
] as const;

export const codexChunkSchema = z.union([...TYPED_CHUNK_SCHEMAS, unknownChunkSchema]);
export type CodexChunk = z.infer<typeof codexChunkSchema>;

/** The schema of each known chunk `type`. */
const CHUNK_SCHEMA_BY_TYPE = new Map<string, z.ZodType<CodexChunk, unknown>>(
  TYPED_CHUNK_SCHEMAS.flatMap((schema) => {
    const type = schema.shape.type;
    const values: readonly string[] = 'options' in type ? type.options : [...type.values];
    return values.map((value) => [value, schema as z.ZodType<CodexChunk, unknown>] as const);
  }),
);

/**
 * `codexChunkSchema.safeParse`, with the same result, but trying only the schema of the chunk's own type (then the
 * unknown-chunk fallback, as the union does for a known type with malformed fields). The union tried every member
 * in turn, building their failures, on every event of every stream: the largest part of the Codex adapter's own
 * time (issue 7 profile).
 */
export function parseCodexChunk(json: unknown): z.ZodSafeParseResult<CodexChunk> {
  const type = typeof json === 'object' && json != null ? (json as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && DELTA_TYPES.has(type) && isWellFormedDelta(json as Record<string, unknown>)) {
    return { success: true, data: json as CodexChunk };
  }
  const schema = typeof type === 'string' ? CHUNK_SCHEMA_BY_TYPE.get(type) : undefined;
  if (schema != null) {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed;
  } else if (typeof type === 'string') {
    // An event the adapter does not read (`response.content_part.done`, `response.output_text.done` …, a third of a
    // plain answer's events): the catch-all's result without its loose parse, which copied every field of the
    // event, the answer's whole text included, only to keep its type (issue 22 profile).
    return { success: true, data: { type: 'unknown_chunk', rawType: type } };
  }
  return unknownChunkSchema.safeParse(json);
}

/**
 * Deltas are most of a stream's events (one per few tokens). Their schemas are flat — a string `item_id`, a string
 * `delta`, optional numeric indexes — so they are checked by hand, with the schemas' own rules, and the parsed JSON
 * is the chunk (a loose object keeps every field as it came). Zod's parse, which builds a copy of each, was the
 * largest part of the Codex adapter's own time (issue 22 profile); parse-codex-chunk.test.ts holds this to the
 * union's result.
 */
const DELTA_TYPES = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
]);

function isWellFormedDelta(chunk: Record<string, unknown>): boolean {
  const isOptionalNumber = (value: unknown) => value == null || typeof value === 'number';
  return (
    typeof chunk.item_id === 'string' &&
    typeof chunk.delta === 'string' &&
    isOptionalNumber(chunk.summary_index) &&
    isOptionalNumber(chunk.content_index)
  );
}

/** Non-2xx bodies: FastAPI-style `{"detail": …}` for validation, the OpenAI-style envelope otherwise. */
export const codexErrorBodySchema = z.looseObject({
  detail: z.unknown().optional(),
  error: codexErrorObjectSchema.nullish(),
});

export const codexModelsResponseSchema = z.looseObject({
  models: z.array(
    z.looseObject({
      slug: z.string(),
      display_name: z.string().nullish(),
      visibility: z.string().nullish(),
      supported_reasoning_levels: z
        .array(z.union([z.looseObject({ effort: z.string(), description: z.string().nullish() }), z.string()]))
        .nullish(),
      default_reasoning_level: z.string().nullish(),
      context_window: z.number().nullish(),
      input_modalities: z.array(z.string()).nullish(),
    }),
  ),
});
