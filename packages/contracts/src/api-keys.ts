import { z } from 'zod';
import { callerPolicySchema } from './caller-policy.ts';

/** Every gateway API key starts with this, so it is recognisable in configs and secret scanners. */
export const API_KEY_PREFIX = 'gwk_';

/** How `/v1/chat/completions` shows reasoning to a key's client. */
export const reasoningOutputSchema = z.enum(['field', 'think-tags', 'hidden']);
export type ReasoningOutput = z.infer<typeof reasoningOutputSchema>;

/** `PATCH /api/keys/:id` (session + CSRF): either or both of the key's settings; the policy is replaced whole. */
export const updateApiKeyRequestSchema = z
  .object({ reasoningOutput: reasoningOutputSchema.optional(), policy: callerPolicySchema.optional() })
  .refine((body) => body.reasoningOutput != null || body.policy != null, {
    message: 'send reasoningOutput, policy, or both',
  });
export type UpdateApiKeyRequest = z.infer<typeof updateApiKeyRequestSchema>;

/** An API key as listed: never the secret itself. */
export const apiKeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key (`gwk_` + its public id), enough to recognise it. */
  prefix: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  /** `field`: `reasoning_content` (default); `think-tags`: `<think>…</think>` in the content; `hidden`: dropped. */
  reasoningOutput: reasoningOutputSchema,
  lastUsedAt: z.string().nullable().describe('ISO 8601; updated at most once a minute'),
  /** What the key may use: models, "subscription only", browser origins (unrestricted for keys made before it). */
  policy: callerPolicySchema,
});
export type ApiKeySummary = z.infer<typeof apiKeySummarySchema>;

/** `GET /api/keys` (session). */
export const apiKeyListSchema = z.object({ keys: z.array(apiKeySummarySchema) });
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;

/**
 * Control characters (NUL, newlines, escapes) and the bidirectional-text controls (U+202A–U+202E, U+2066–U+2069,
 * U+200E/U+200F, U+061C): a name holding one can hide or reorder what lists and logs show ("…U+202E…" makes
 * `yek-live` read as `evil-key`).
 */
const INVISIBLE_OR_REORDERING = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export const apiKeyNameSchema = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(100, { message: 'must be at most 100 characters' })
  .refine((name) => !INVISIBLE_OR_REORDERING.test(name), {
    message: 'must not contain control characters or text-direction overrides (such as U+202E)',
  });

/** `POST /api/keys` (session + CSRF). */
export const createApiKeyRequestSchema = z.object({
  name: apiKeyNameSchema,
  /** Omitted: unrestricted (every model, fallback as the user set it, no browser origin). */
  policy: callerPolicySchema.optional(),
});
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequestSchema>;

/** Answer of `POST /api/keys` (201): the only time the full key is ever shown. */
export const createdApiKeySchema = z.object({
  key: apiKeySummarySchema,
  secret: z.string().startsWith(API_KEY_PREFIX),
});
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

/** `GET /api/me` (session or API key): who the caller is and how they authenticated. */
export const whoAmISchema = z.object({
  user: z.object({ id: z.string(), email: z.string() }),
  /** `app`: a connected app's OAuth access token (scope `ai`). */
  authenticatedWith: z.enum(['session', 'api-key', 'app']),
  /** Set when authenticated with an API key. */
  apiKeyPrefix: z.string().nullable(),
});
export type WhoAmI = z.infer<typeof whoAmISchema>;
