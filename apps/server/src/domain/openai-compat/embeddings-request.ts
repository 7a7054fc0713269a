import { z } from 'zod';

/** Upstreams take up to 2048 inputs per request (OpenAI's limit); more is refused here with a clear 400. */
const MAX_INPUTS = 2048;

/** `POST /v1/embeddings`. Token-id input (`number[]`) is refused: the gateway cannot know each upstream's tokenizer. */
export const embeddingsRequestSchema = z
  .object({
    model: z.string().min(1, { message: 'is required' }).max(200),
    input: z.union(
      [
        z.string().min(1, { message: 'must not be empty' }),
        z
          .array(z.string().min(1, { message: 'must not be empty' }))
          .min(1, { message: 'must have at least one text' })
          .max(MAX_INPUTS, { message: `must have at most ${MAX_INPUTS} texts` }),
      ],
      { error: 'must be a string or an array of strings (token-id input is not supported: send the text)' },
    ),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int().positive().max(65_536).optional(),
    user: z.string().optional(),
  })
  .loose();
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

/** An embedding as OpenAI's `base64` encoding sends it: little-endian float32 bytes (what the SDKs ask for). */
export function encodeEmbeddingBase64(embedding: readonly number[]): string {
  const floats = new Float32Array(embedding);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}
