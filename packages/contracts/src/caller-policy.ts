import { z } from 'zod';
import { routingRulesSchema } from './routing-rules.ts';

/**
 * An origin as browsers send it in `Origin`: scheme, host and port only (`https://notes.example.com`,
 * `http://localhost:5173`). No path, no trailing slash, no wildcard: an allowed origin is exact.
 */
export const originSchema = z
  .string()
  .trim()
  .max(300)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
      } catch {
        return false;
      }
    },
    { message: 'must be an origin such as https://notes.example.com (scheme, host and port; no path)' },
  );

/**
 * A model pattern of a policy: `provider/model` (exact) or `provider/*` (every model of that provider).
 */
export const modelPatternSchema = z
  .string()
  .trim()
  .regex(/^(chatgpt|openai|gemini|anthropic)\/(\*|[\w.:@-]{1,200})$/, {
    message: 'must be provider/model or provider/* (e.g. chatgpt/* or openai/gpt-5-mini)',
  });

/**
 * What one gateway API key or one connected app may do, on top of what its user may do. Enforced by the router on
 * every request the key or app makes (docs/note-app-api.md, "Policies").
 */
export const callerPolicySchema = z.object({
  /** Null: every model the user has. Otherwise only models matching one of these patterns. */
  allowedModels: z.array(modelPatternSchema).max(100).nullable(),
  /** Never spend money: no paid API key is used for this caller, even when the user's fallback is on. */
  subscriptionOnly: z.boolean(),
  /** Browser origins that may call the gateway with this credential (CORS). Empty: no browser origin. */
  allowedOrigins: z.array(originSchema).max(50),
  /**
   * Routing by the subscription's quota (issue 19): a mode and threshold rules. Absent: no rule (`default`). On a
   * `PUT`, absent keeps the stored rules.
   */
  routing: routingRulesSchema.optional(),
});
export type CallerPolicy = z.infer<typeof callerPolicySchema>;

/** The policy of a credential nobody restricted: every model, fallback as the user set it, no browser origin. */
export const UNRESTRICTED_POLICY: CallerPolicy = Object.freeze({
  allowedModels: null,
  subscriptionOnly: false,
  allowedOrigins: [],
}) as CallerPolicy;
