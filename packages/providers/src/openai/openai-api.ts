import { z } from 'zod';

// Wire schemas for OpenAI-compatible APIs, minimal and loose: many servers (Ollama, vLLM, LM Studio, OpenRouter)
// speak "OpenAI" with small differences.

export const openAiErrorObjectSchema = z.looseObject({
  message: z.string().nullish(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.string().nullish(),
});
export type OpenAiErrorObject = z.infer<typeof openAiErrorObjectSchema>;

export const openAiErrorBodySchema = z.looseObject({
  error: z.union([openAiErrorObjectSchema, z.string()]).nullish(),
  message: z.string().nullish(),
});

export const openAiModelsResponseSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string(),
      owned_by: z.string().nullish(),
      created: z.number().nullish(),
    }),
  ),
});
