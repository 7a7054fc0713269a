import { z } from 'zod';

/** Per-user routing settings. */
export const userSettingsSchema = z.object({
  /** Use API-key providers when the ChatGPT subscription is limited or needs reconnecting (default off). */
  fallbackToApiKeys: z.boolean(),
  /** Model used when a request names none and its feature has none; null lets the gateway pick. */
  defaultModel: z.string().nullable(),
  /** Model used on the API-key provider when falling back; null picks a sensible one from its catalogue. */
  fallbackModel: z.string().nullable(),
  /** Which API-key providers a limited subscription may fall back to, tried in this order. */
  fallbackProviders: z
    .array(z.enum(['openai', 'gemini', 'anthropic'], { message: 'must be openai, gemini or anthropic' }))
    .max(3)
    .refine((providers) => new Set(providers).size === providers.length, { message: 'must not repeat a provider' }),
});
export type UserSettings = z.infer<typeof userSettingsSchema>;
export const updateUserSettingsRequestSchema = userSettingsSchema.partial();

/** An API key saved for an upstream (shown masked). */
export const apiCredentialSchema = z.object({
  provider: z.enum(['openai', 'gemini', 'anthropic']),
  baseUrl: z.string().nullable(),
  keyHint: z.string().describe('the last 4 characters'),
  createdAt: z.string(),
  lastValidatedAt: z.string().nullable(),
});
export const apiCredentialListSchema = z.object({ credentials: z.array(apiCredentialSchema) });
export type ApiCredential = z.infer<typeof apiCredentialSchema>;

/**
 * `PUT /api/credentials/openai` (any OpenAI-compatible server: OpenAI, OpenRouter, Ollama, LM Studio) and
 * `PUT /api/credentials/gemini` and `PUT /api/credentials/anthropic`. The key is checked with a cheap upstream call before it is saved.
 */
export const saveApiCredentialRequestSchema = z.object({
  apiKey: z.string().trim().min(1, { message: 'is required' }).max(1000),
  baseUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://api.openai.com/v1' })
    .max(500)
    .optional(),
});
