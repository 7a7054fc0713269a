import { z } from 'zod';

/**
 * A name a client hard-codes, or a prefix glob of them: an exact name (`claude-sonnet-4-5`), a prefix followed by one
 * `*` at the end (`claude-sonnet-*`), or `*` alone (any name that is not a gateway model id). docs/anthropic-protocol.md §9.
 */
export const modelAliasPatternSchema = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(200)
  .regex(/^[^*\s]*\*?$/, { message: 'must be a name, a prefix ending in one "*", or "*" alone' });

/** One alias: the name (or names) clients send, and the gateway model id it stands for. */
export const modelAliasSchema = z.object({
  pattern: modelAliasPatternSchema,
  target: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]*\/\S+$/, { message: 'must be a gateway model id such as chatgpt/gpt-5.5' })
    .max(200),
});
export type ModelAlias = z.infer<typeof modelAliasSchema>;

/** `GET/PUT /api/model-aliases`: the user's whole table (PUT replaces it). */
export const modelAliasListSchema = z.object({
  aliases: z
    .array(modelAliasSchema)
    .max(100)
    .refine((aliases) => new Set(aliases.map((alias) => alias.pattern)).size === aliases.length, {
      message: 'must not repeat a pattern',
    }),
});
export type ModelAliasList = z.infer<typeof modelAliasListSchema>;
