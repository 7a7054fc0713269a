import { z } from 'zod';

// `POST /v1/messages` as Anthropic documents it (docs/anthropic-protocol.md §2), limited to what the gateway can
// route. Fields the gateway does not use are accepted and ignored (`metadata`, `service_tier`, `cache_control` on a
// block, `container`, …: clients send them by default), but every field it does use is checked, and the block types
// it cannot carry (documents, server tools, search results) are refused with a 400 naming them.

const cacheControl = { cache_control: z.unknown().optional() };

const textBlockSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
  citations: z.unknown().optional(),
  ...cacheControl,
});

/** The image types Anthropic accepts in a base64 source. */
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

const imageBlockSchema = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion(
    'type',
    [
      z.object({
        type: z.literal('base64'),
        media_type: z.enum(IMAGE_MEDIA_TYPES, { error: `must be one of ${IMAGE_MEDIA_TYPES.join(', ')}` }),
        data: z
          .string()
          .min(1, { message: 'must hold the base64 image data' })
          .regex(/^[A-Za-z0-9+/=\s]+$/, { message: 'must be base64' }),
      }),
      z.object({
        type: z.literal('url'),
        url: z.string().regex(/^https?:\/\//, { message: 'must be an http(s) URL' }),
      }),
    ],
    { error: 'must be {"type":"base64",…} or {"type":"url",…} (file sources are not supported)' },
  ),
  ...cacheControl,
});

const toolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1, { message: 'is required' }),
  name: z.string().min(1, { message: 'is required' }),
  input: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
  ...cacheControl,
});

const toolResultBlockSchema = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1, { message: 'is required' }),
  content: z
    .union(
      [
        z.string(),
        z.array(
          z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema], {
            error: 'tool_result content blocks must be text or image',
          }),
        ),
      ],
      { error: 'must be a string or an array of text and image blocks' },
    )
    .optional(),
  is_error: z.boolean().optional(),
  ...cacheControl,
});

const thinkingBlockSchema = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string(),
});
const redactedThinkingBlockSchema = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

const BLOCK_TYPES = 'text, image, tool_use, tool_result, thinking or redacted_thinking';

const userBlockSchema = z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema, toolResultBlockSchema], {
  error: 'a user block must be text, image or tool_result (documents and other blocks are not supported)',
});
const assistantBlockSchema = z.discriminatedUnion(
  'type',
  [textBlockSchema, toolUseBlockSchema, thinkingBlockSchema, redactedThinkingBlockSchema],
  { error: 'an assistant block must be text, tool_use, thinking or redacted_thinking' },
);

/**
 * A string content is the one-text-block shorthand; it is expanded before the check, so an error inside a block is
 * reported at its own path (a union would only say that no form matched).
 */
const blocks = <T extends z.ZodType>(block: T, minimum: number) =>
  z.preprocess(
    (content) => (typeof content === 'string' ? [{ type: 'text', text: content }] : content),
    z
      .array(block, { error: `must be a string or an array of blocks (${BLOCK_TYPES})` })
      .min(minimum, { message: 'must not be empty' }),
  );

export const anthropicMessageSchema = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.literal('user'), content: blocks(userBlockSchema, 1) }),
    z.object({ role: z.literal('assistant'), content: blocks(assistantBlockSchema, 0) }),
    // Claude Code sends its environment as a `system` message among the turns (docs/claude-code.md); its text joins
    // the system prompt.
    z.object({ role: z.literal('system'), content: blocks(textBlockSchema, 1) }),
  ],
  { error: 'role must be "user", "assistant" or "system"' },
);
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

/** Anthropic's tool names (the Messages API refuses anything else). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

const toolSchema = z
  .object({
    // Custom tools may say `"type": "custom"` or nothing; server tools (`web_search_…`, `bash_…`) carry a version.
    type: z.literal('custom', { error: 'only custom tools (with input_schema) are supported' }).optional(),
    name: z.string().regex(TOOL_NAME, { message: 'must be 1-128 letters, digits, _ or -' }),
    description: z.string().optional(),
    input_schema: z
      .record(z.string(), z.unknown(), { error: 'is required: a JSON Schema of type "object"' })
      .refine((schema) => schema.type === 'object', { message: 'must be a JSON Schema of type "object"' }),
    ...cacheControl,
  })
  .loose();

const toolChoiceSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({
      type: z.literal('tool'),
      name: z.string().min(1, { message: 'is required' }),
      disable_parallel_tool_use: z.boolean().optional(),
    }),
    z.object({ type: z.literal('none') }),
  ],
  { error: 'must be {"type":"auto"}, {"type":"any"}, {"type":"tool","name":"…"} or {"type":"none"}' },
);

const thinkingSchema = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('enabled'),
      budget_tokens: z.number().int().min(1024, { message: 'must be at least 1024' }),
      display: z.enum(['summarized', 'omitted']).nullable().optional(),
    }),
    z.object({ type: z.literal('disabled') }),
    z.object({ type: z.literal('adaptive'), display: z.enum(['summarized', 'omitted']).nullable().optional() }),
  ],
  { error: 'must be {"type":"enabled","budget_tokens":…}, {"type":"adaptive"} or {"type":"disabled"}' },
);

const systemSchema = z.union([z.string(), z.array(textBlockSchema)], {
  error: 'must be a string or an array of text blocks',
});

/** What `/v1/messages` and `/v1/messages/count_tokens` share: the conversation and what the model is given. */
const conversationShape = {
  model: z.string().min(1, { message: 'is required' }).max(200),
  messages: z.array(anthropicMessageSchema).min(1, { message: 'must have at least one message' }).max(2000),
  system: systemSchema.optional(),
  tools: z.array(toolSchema).max(128).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingSchema.optional(),
};

export const messagesRequestSchema = z
  .object({
    ...conversationShape,
    // Required by the format; the subscription ignores it (the model call reports the dropped setting).
    max_tokens: z.number({ error: 'is required: a positive integer' }).int().positive(),
    stream: z.boolean().optional(),
    stop_sequences: z.array(z.string().min(1)).max(16).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().positive().optional(),
    metadata: z
      .object({ user_id: z.string().max(256).nullable().optional() })
      .loose()
      .optional(),
  })
  .loose()
  .superRefine((request, context) => {
    if (request.thinking?.type === 'enabled' && request.thinking.budget_tokens >= request.max_tokens) {
      context.addIssue({
        code: 'custom',
        path: ['thinking', 'budget_tokens'],
        message: 'must be less than max_tokens',
      });
    }
  });
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

export const countTokensRequestSchema = z.object(conversationShape).loose();
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
