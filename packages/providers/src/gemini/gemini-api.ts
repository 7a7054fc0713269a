import { z } from 'zod';

// Google RPC error bodies and the model list, minimal and loose.
// See docs/google-protocol.md §2.6 and §3.9.

export const googleErrorSchema = z.looseObject({
  code: z.number().nullish(),
  message: z.string().nullish(),
  status: z.string().nullish(),
  details: z.array(z.unknown()).nullish(),
});
export type GoogleError = z.infer<typeof googleErrorSchema>;

export const googleErrorBodySchema = z.looseObject({ error: googleErrorSchema });

export const geminiModelsResponseSchema = z.looseObject({
  models: z
    .array(
      z.looseObject({
        name: z.string(),
        baseModelId: z.string().nullish(),
        displayName: z.string().nullish(),
        description: z.string().nullish(),
        inputTokenLimit: z.number().nullish(),
        outputTokenLimit: z.number().nullish(),
        supportedGenerationMethods: z.array(z.string()).nullish(),
        thinking: z.boolean().nullish(),
      }),
    )
    .nullish(),
  nextPageToken: z.string().nullish(),
});
