import { z } from 'zod';

// `POST /v1/chat/completions` as OpenAI documents it, limited to what the gateway can route. Fields the gateway
// does not use are accepted and ignored (clients send many: `user`, `metadata`, `store`, `service_tier`, …), but
// every field it does use is checked, and the ones it cannot honour (`n > 1`, audio) are refused with a 400.

const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });
const imagePartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().refine((url) => /^(https?:\/\/|data:image\/[\w.+-]+;base64,)/.test(url), {
      message: 'must be an http(s) URL or a data:image/…;base64, URL',
    }),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
const userPartSchema = z.discriminatedUnion('type', [textPartSchema, imagePartSchema], {
  error: 'must be a text or image_url part (audio and files are not supported)',
});
const refusalPartSchema = z.object({ type: z.literal('refusal'), refusal: z.string() });

const textContentSchema = z.union([z.string(), z.array(textPartSchema).min(1)], {
  error: 'must be a string or an array of text parts',
});

export const toolCallSchema = z.object({
  id: z.string().min(1, { message: 'is required' }),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

export const chatMessageSchema = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.literal('system'), content: textContentSchema, name: z.string().optional() }),
    z.object({ role: z.literal('developer'), content: textContentSchema, name: z.string().optional() }),
    z.object({
      role: z.literal('user'),
      content: z.union([z.string(), z.array(userPartSchema).min(1)], {
        error: 'must be a string or an array of content parts',
      }),
      name: z.string().optional(),
    }),
    z.object({
      role: z.literal('assistant'),
      content: z.union([z.string(), z.array(z.union([textPartSchema, refusalPartSchema])), z.null()]).optional(),
      tool_calls: z.array(toolCallSchema).optional(),
      refusal: z.string().nullable().optional(),
      // Some clients send back the reasoning they were given; it is not replayed upstream.
      reasoning_content: z.string().nullable().optional(),
      name: z.string().optional(),
    }),
    z.object({
      role: z.literal('tool'),
      tool_call_id: z.string().min(1, { message: 'is required' }),
      content: textContentSchema,
    }),
  ],
  { error: 'role must be one of system, developer, user, assistant, tool' },
);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export const chatToolSchema = z.object({
  type: z.literal('function', { error: 'only "function" tools are supported' }),
  function: z.object({
    name: z.string().regex(TOOL_NAME, { message: 'must be 1-64 letters, digits, _ or -' }),
    description: z.string().optional(),
    parameters: z
      .record(z.string(), z.unknown())
      .refine((schema) => schema.type === undefined || schema.type === 'object', {
        message: 'must be a JSON Schema of type "object"',
      })
      .optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1, { message: 'is required' }).max(200),
    messages: z.array(chatMessageSchema).min(1, { message: 'must have at least one message' }).max(2000),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
    tools: z.array(chatToolSchema).max(128).optional(),
    tool_choice: z
      .union(
        [
          z.enum(['none', 'auto', 'required']),
          z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
        ],
        { error: 'must be "none", "auto", "required" or {"type":"function","function":{"name":"…"}}' },
      )
      .optional(),
    parallel_tool_calls: z.boolean().optional(),
    reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable().optional(),
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }),
        z.object({ type: z.literal('json_object') }),
        z.object({
          type: z.literal('json_schema'),
          json_schema: z.object({
            name: z.string().min(1).max(64),
            description: z.string().optional(),
            schema: z.record(z.string(), z.unknown()).optional(),
            strict: z.boolean().nullable().optional(),
          }),
        }),
      ])
      .optional(),
    max_tokens: z.number().int().positive().nullable().optional(),
    max_completion_tokens: z.number().int().positive().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    presence_penalty: z.number().min(-2).max(2).nullable().optional(),
    frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .nullable()
      .optional(),
    n: z.literal(1, { error: 'only n = 1 is supported' }).nullable().optional(),
    modalities: z
      .array(z.literal('text', { error: 'only the "text" modality is supported' }))
      .nullable()
      .optional(),
    user: z.string().optional(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
