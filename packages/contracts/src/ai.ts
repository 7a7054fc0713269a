import { z } from 'zod';
import { routingRulesSchema } from './routing-rules.ts';

/** Built-in features (named prompt templates); users can edit each one's prompt and default model. */
export const FEATURE_NAMES = ['insight', 'summarize', 'rewrite', 'tags', 'translate'] as const;
export const featureNameSchema = z.enum(FEATURE_NAMES);
export type FeatureName = z.infer<typeof featureNameSchema>;

export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;

/** The image types every provider takes; an image part's data URL must be one of them. */
export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
/** One image at most 4 MiB decoded: as base64 about 5.6 million characters. */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
const MAX_IMAGE_DATA_URL_CHARS = 'data:image/jpeg;base64,'.length + Math.ceil(MAX_IMAGE_BYTES / 3) * 4;
/** Images in one request, all messages together. */
export const MAX_IMAGES_PER_REQUEST = 10;

const messageTextSchema = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(200_000, { message: 'is too long (200,000 characters at most)' });

export const textPartSchema = z.object({ type: z.literal('text'), text: messageTextSchema });
export const imagePartSchema = z.object({
  type: z.literal('image'),
  image: z
    .string()
    .max(MAX_IMAGE_DATA_URL_CHARS, { message: `is too large (an image may have ${MAX_IMAGE_BYTES} bytes at most)` })
    .regex(/^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/, {
      message: 'must be a data URL of a png, jpeg, webp or gif image: data:image/png;base64,…',
    })
    .describe('The image as a base64 data URL (`data:image/png;base64,…`); png, jpeg, webp or gif, 4 MiB at most.'),
});
export const contentPartSchema = z.discriminatedUnion('type', [textPartSchema, imagePartSchema], {
  error: 'must be { "type": "text", "text" } or { "type": "image", "image": "<data URL>" }',
});
export type ContentPart = z.infer<typeof contentPartSchema>;

/** A message's content: text, or (user messages only) a list of text and image parts. */
export const messageContentSchema = z.union(
  [
    messageTextSchema,
    z
      .array(contentPartSchema)
      .min(1, { message: 'must have at least one part' })
      .max(100, { message: 'must have at most 100 parts' }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'must be text, or a list of parts: { "type": "text", "text" } or { "type": "image", "image": "<data URL>" }'
        : undefined,
  },
);
export type MessageContent = z.infer<typeof messageContentSchema>;

export const chatMessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant']),
    content: messageContentSchema.describe(
      'Text, or for a user message a list of parts: `{ type: "text", text }` and `{ type: "image", image }`.',
    ),
  })
  .refine((message) => message.role === 'user' || typeof message.content === 'string', {
    message: 'only user messages may be a list of parts: give system and assistant messages as text',
    path: ['content'],
  });
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** A feature name: a built-in one or a user's own (lowercase letters, digits and dashes). */
export const featureSlugSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, {
    message: 'must be 1-40 lowercase letters, digits or dashes, starting with a letter',
  })
  .describe("A built-in feature (insight, summarize, rewrite, tags, translate) or one of the user's own.");

/** An output schema may hold this many characters as JSON: enough for a form, not a whole API. */
export const MAX_OUTPUT_SCHEMA_CHARS = 20_000;

/**
 * A JSON Schema the answer must match (structured output). It must describe an object (`"type": "object"`); so that
 * every provider can hold the model to it, every object in it lists all its `properties` in `required` and sets
 * `"additionalProperties": false` (the strict subset; make a field optional with `"type": ["string", "null"]`).
 */
export const outputSchemaSchema = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON Schema object, e.g. { "type": "object", … }' })
  .refine((schema) => JSON.stringify(schema).length <= MAX_OUTPUT_SCHEMA_CHARS, {
    message: `is too large (${MAX_OUTPUT_SCHEMA_CHARS} characters of JSON at most)`,
  })
  .refine((schema) => schema.type === 'object', {
    message: 'must describe an object ("type": "object"): put a list or a value in a property',
  })
  .describe(
    'JSON Schema of the answer (structured output): an object schema in the strict subset (every object lists all ' +
      'its properties in "required" and sets "additionalProperties": false).',
  );
export type OutputSchema = z.infer<typeof outputSchemaSchema>;

/**
 * `POST /api/ai/chat` and `POST /api/ai/stream` (session or gateway API key). Give `content` (one user message,
 * typically with a `feature`) or a whole `messages` conversation. `model` is `provider/model` (e.g.
 * `chatgpt/gpt-5.5`) or a bare id resolved through the catalogue; omitted, the feature's or the user's default.
 */
export const aiRequestSchema = z
  .object({
    feature: featureSlugSchema.optional(),
    content: messageContentSchema
      .optional()
      .describe('One user message (typically the note, with a `feature`): text, or text and image parts.'),
    messages: z.array(chatMessageSchema).min(1, { message: 'must have at least one message' }).max(500).optional(),
    model: z.string().min(1).max(200).optional(),
    system: z.string().max(50_000).optional(),
    reasoning: z.object({ effort: reasoningEffortSchema }).optional(),
    /** Groups turns of one conversation (prompt caching upstream); derived from the first messages when absent. */
    conversationId: z
      .string()
      .regex(/^[\w-]{1,100}$/, { message: 'must be 1-100 letters, digits, - or _' })
      .optional(),
    schema: outputSchemaSchema
      .optional()
      .describe(
        'Ask for JSON matching this schema: the answer is validated and returned parsed as `output`. Overrides the ' +
          "feature's own schema.",
      ),
  })
  .refine((request) => request.content != null || request.messages != null, {
    message: 'give either "content" or "messages"',
    path: ['content'],
  })
  .refine((request) => request.content == null || request.messages == null, {
    message: 'give "content" or "messages", not both',
    path: ['messages'],
  })
  .refine((request) => countImages(request) <= MAX_IMAGES_PER_REQUEST, {
    message: `has too many images (${MAX_IMAGES_PER_REQUEST} at most per request)`,
    path: ['messages'],
  });
export type AiRequest = z.infer<typeof aiRequestSchema>;

function countImages(request: { content?: MessageContent | undefined; messages?: ChatMessage[] | undefined }) {
  const contents = request.messages?.map((message) => message.content) ?? [request.content];
  return contents.reduce(
    (total, content) => total + (Array.isArray(content) ? content.filter((part) => part.type === 'image').length : 0),
    0,
  );
}

export const providerNameSchema = z.enum(['chatgpt', 'openai', 'gemini', 'anthropic']);
export type ProviderName = z.infer<typeof providerNameSchema>;

export const aiUsageSchema = z.object({
  inputTokens: z.number().nullable(),
  cachedInputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  reasoningTokens: z.number().nullable(),
  totalTokens: z.number().nullable(),
});
export type AiUsage = z.infer<typeof aiUsageSchema>;

export const finishReasonSchema = z.enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']);

/** Answer of `POST /api/ai/chat`. */
export const aiChatResponseSchema = z.object({
  content: z.string(),
  output: z
    .unknown()
    .describe('The answer parsed as JSON and validated against the schema (request or feature); null without one.'),
  reasoning: z.string().nullable(),
  model: z.string().describe('provider/model that answered'),
  provider: providerNameSchema,
  usage: aiUsageSchema,
  finishReason: finishReasonSchema,
});
export type AiChatResponse = z.infer<typeof aiChatResponseSchema>;

/**
 * Events of `POST /api/ai/stream` (Server-Sent Events; the SSE `event:` name equals `type`). Errors before the
 * first event are plain HTTP errors; after it they arrive as an `error` event, and `done` is not sent.
 */
export const aiStreamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('delta'), text: z.string() }),
  z.object({ type: z.literal('reasoning'), text: z.string() }),
  z.object({
    type: z.literal('done'),
    model: z.string(),
    provider: providerNameSchema,
    usage: aiUsageSchema,
    finishReason: finishReasonSchema,
    output: z
      .unknown()
      .optional()
      .describe('With a schema: the whole answer parsed and validated (the deltas are its JSON text); else null.'),
  }),
  z.object({
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
    /** Seconds to wait before retrying, when the upstream said. */
    retryAfter: z.number().nullable(),
  }),
]);
export type AiStreamEvent = z.infer<typeof aiStreamEventSchema>;

/** One model the user can pick. */
export const modelEntrySchema = z.object({
  id: z.string().describe('provider/model, usable as "model"'),
  provider: providerNameSchema,
  upstreamId: z.string(),
  displayName: z.string(),
  reasoningEfforts: z.array(z.string()),
});
export const modelListSchema = z.object({ models: z.array(modelEntrySchema) });
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** A feature as the user has it: a built-in one (its prompt and model possibly replaced) or one of their own. */
export const featureSchema = z.object({
  name: featureSlugSchema,
  isBuiltIn: z.boolean().describe('Built-in features cannot be deleted; their prompt and model can be replaced.'),
  prompt: z.string(),
  model: z.string().nullable().describe("Default model (`provider/model`); null: the user's default."),
  reasoningEffort: reasoningEffortSchema.nullable().describe("Default reasoning effort; null: the model's own."),
  schema: outputSchemaSchema.nullable().describe('Output schema: the answer is JSON matching it; null: free text.'),
  isCustomized: z.boolean().describe('A built-in feature whose prompt or model the user replaced.'),
  routing: routingRulesSchema.describe("Routing by the subscription's quota: a mode and threshold rules (issue 19)."),
});
export const featureListSchema = z.object({ features: z.array(featureSchema) });
export type Feature = z.infer<typeof featureSchema>;

const featurePromptSchema = z.string().trim().min(1, { message: 'must not be empty' }).max(20_000);
const featureModelSchema = z.string().min(1).max(200);

/** `POST /api/ai/features`: a feature of the user's own. */
export const createFeatureRequestSchema = z.object({
  name: featureSlugSchema.describe('Lowercase letters, digits and dashes; not the name of a built-in feature.'),
  prompt: featurePromptSchema.describe('The system prompt; the note arrives as the user message.'),
  model: featureModelSchema.nullable().optional(),
  reasoningEffort: reasoningEffortSchema.nullable().optional(),
  schema: outputSchemaSchema.nullable().optional(),
  routing: routingRulesSchema.optional(),
});
export type CreateFeatureRequest = z.infer<typeof createFeatureRequestSchema>;

/**
 * `PUT /api/ai/features/:name`. Built-in features take `prompt` and `model` (null restores the built-in value); the
 * user's own features take every field (their prompt cannot be null).
 */
export const updateFeatureRequestSchema = z.object({
  prompt: featurePromptSchema.nullable(),
  model: featureModelSchema.nullable(),
  reasoningEffort: reasoningEffortSchema.nullable().optional().describe('Own features only.'),
  schema: outputSchemaSchema.nullable().optional().describe('Own features only.'),
  routing: routingRulesSchema.optional().describe('Absent: the stored rules stay.'),
});
export type UpdateFeatureRequest = z.infer<typeof updateFeatureRequestSchema>;

/** Texts one embed request may carry (OpenAI's limit per request). */
export const MAX_EMBED_INPUTS = 2048;

/** `POST /api/ai/embed`: vectors for texts (e.g. "related notes"), routed like `/v1/embeddings`. */
export const aiEmbedRequestSchema = z.object({
  input: z.union(
    [
      z.string().min(1, { message: 'must not be empty' }),
      z
        .array(z.string().min(1, { message: 'must not be empty' }))
        .min(1, { message: 'must have at least one text' })
        .max(MAX_EMBED_INPUTS, { message: `must have at most ${MAX_EMBED_INPUTS} texts` }),
    ],
    { error: 'must be a string or an array of strings' },
  ),
  model: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      '`provider/model` (e.g. `openai/text-embedding-3-small`) or a bare id; omitted, the first connection that ' +
        'makes embeddings, with its default embedding model.',
    ),
});
export type AiEmbedRequest = z.infer<typeof aiEmbedRequestSchema>;

export const aiEmbedResponseSchema = z.object({
  model: z.string().describe('provider/model that made the embeddings'),
  provider: providerNameSchema,
  embeddings: z.array(z.array(z.number())).describe('One vector per input text, in the order of `input`.'),
  usage: z.object({ inputTokens: z.number().nullable() }),
});
export type AiEmbedResponse = z.infer<typeof aiEmbedResponseSchema>;
