import { z } from 'zod';

/** Built-in features (named prompt templates); users can edit each one's prompt and default model. */
export const FEATURE_NAMES = ['insight', 'summarize', 'rewrite', 'tags', 'translate'] as const;
export const featureNameSchema = z.enum(FEATURE_NAMES);
export type FeatureName = z.infer<typeof featureNameSchema>;

export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(200_000, { message: 'is too long (200,000 characters at most)' }),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/**
 * `POST /api/ai/chat` and `POST /api/ai/stream` (session or gateway API key). Give `content` (one user message,
 * typically with a `feature`) or a whole `messages` conversation. `model` is `provider/model` (e.g.
 * `chatgpt/gpt-5.5`) or a bare id resolved through the catalogue; omitted, the feature's or the user's default.
 */
export const aiRequestSchema = z
  .object({
    feature: featureNameSchema.optional(),
    content: z.string().min(1, { message: 'must not be empty' }).max(200_000, { message: 'is too long' }).optional(),
    messages: z.array(chatMessageSchema).min(1, { message: 'must have at least one message' }).max(500).optional(),
    model: z.string().min(1).max(200).optional(),
    system: z.string().max(50_000).optional(),
    reasoning: z.object({ effort: reasoningEffortSchema }).optional(),
    /** Groups turns of one conversation (prompt caching upstream); derived from the first messages when absent. */
    conversationId: z
      .string()
      .regex(/^[\w-]{1,100}$/, { message: 'must be 1-100 letters, digits, - or _' })
      .optional(),
  })
  .refine((request) => request.content != null || request.messages != null, {
    message: 'give either "content" or "messages"',
    path: ['content'],
  })
  .refine((request) => request.content == null || request.messages == null, {
    message: 'give "content" or "messages", not both',
    path: ['messages'],
  });
export type AiRequest = z.infer<typeof aiRequestSchema>;

export const providerNameSchema = z.enum(['chatgpt', 'openai', 'gemini']);
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

/** A feature as stored for a user (defaults filled in). */
export const featureSchema = z.object({
  name: featureNameSchema,
  prompt: z.string(),
  model: z.string().nullable(),
  isCustomized: z.boolean(),
});
export const featureListSchema = z.object({ features: z.array(featureSchema) });
export type Feature = z.infer<typeof featureSchema>;

/** `PUT /api/ai/features/:name`. A null prompt restores the built-in one. */
export const updateFeatureRequestSchema = z.object({
  prompt: z.string().trim().min(1, { message: 'must not be empty' }).max(20_000).nullable(),
  model: z.string().min(1).max(200).nullable(),
});
