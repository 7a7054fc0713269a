import { z } from 'zod';

/**
 * How a feature's or a key's/app's requests use the subscription (issue 19):
 * - `default`: as the user's settings say (fallback to API keys on or off);
 * - `subscription-only`: never a paid API key (the same as a caller policy's "Subscription only");
 * - `prefer-subscription`: the subscription first, then the user's API keys, even when the user's fallback is off.
 */
export const routingModeSchema = z.enum(['default', 'subscription-only', 'prefer-subscription']);
export type RoutingMode = z.infer<typeof routingModeSchema>;

/** The subscription's usage windows a threshold can watch: the 5-hour one and the weekly one. */
export const quotaWindowNameSchema = z.enum(['5h', 'weekly']);
export type QuotaWindowName = z.infer<typeof quotaWindowNameSchema>;

/**
 * "When the 5-hour window is above 90 % used, send this to `chatgpt/<cheaper>` or `openai/<model>`": keeps headroom
 * for interactive use. Applies only to requests the subscription would answer; a target the caller's policy forbids
 * is ignored (the request keeps its model), never a way around the policy.
 */
export const thresholdRuleSchema = z.object({
  window: quotaWindowNameSchema,
  abovePercent: z.number().min(0).max(100),
  useModel: z
    .string()
    .trim()
    .regex(/^(chatgpt|openai|gemini)\/[\w.:@-]{1,200}$/, {
      message: 'must be provider/model (e.g. chatgpt/gpt-5.6-luna or openai/gpt-5-mini)',
    }),
});
export type ThresholdRule = z.infer<typeof thresholdRuleSchema>;

/** The routing rules of one feature or one key/app; the first threshold that matches wins. */
export const routingRulesSchema = z.object({
  mode: routingModeSchema,
  thresholds: z.array(thresholdRuleSchema).max(10),
});
export type RoutingRules = z.infer<typeof routingRulesSchema>;

/** No rule: the user's settings decide. */
export const DEFAULT_ROUTING_RULES: RoutingRules = Object.freeze({ mode: 'default', thresholds: [] }) as RoutingRules;
