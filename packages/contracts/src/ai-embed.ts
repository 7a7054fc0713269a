import { z } from 'zod';

/** `POST /api/ai/embed` (session, gateway API key or app token): vectors for "related notes". */
export const aiEmbedRequestSchema = z.object({
  input: z.union([
    z.string().min(1, { message: 'must not be empty' }),
    z.array(z.string().min(1, { message: 'must not be empty' })).min(1, { message: 'must have at least one text' }),
  ]),
  /** `provider/model`; omitted, the first provider the user has that can embed. */
  model: z.string().min(1).max(200).optional(),
});
export type AiEmbedRequest = z.infer<typeof aiEmbedRequestSchema>;

/** Answer of `POST /api/ai/embed`: one vector per input, in input order. */
export const aiEmbedResponseSchema = z.object({
  model: z.string(),
  provider: z.string(),
  embeddings: z.array(z.array(z.number())),
  usage: z.object({ inputTokens: z.number().nullable() }),
});
export type AiEmbedResponse = z.infer<typeof aiEmbedResponseSchema>;
