import { z } from 'zod';

/**
 * `POST /v1/responses`, checked only as far as the gateway needs: the model, the input (a string or a list of
 * items, passed on as they are), streaming. Everything else is passed through to the upstream, which has the final
 * word — except what can never work through the gateway, refused here with a 400 that says why.
 */
export const responsesRequestSchema = z
  .object({
    model: z.string().min(1, { message: 'is required' }).max(200),
    input: z.union(
      [
        z.string().min(1, { message: 'must not be empty' }),
        z.array(z.record(z.string(), z.unknown())).min(1, { message: 'must have at least one item' }),
      ],
      { error: 'must be a string or a list of input items' },
    ),
    instructions: z.string().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    previous_response_id: z
      .null({
        error:
          'is not supported: the gateway keeps no responses (the subscription backend runs with store:false); ' +
          'send the whole conversation in "input"',
      })
      .optional(),
    background: z
      .literal(false, { error: 'background responses are not supported: stream instead' })
      .nullable()
      .optional(),
    tools: z.array(z.record(z.string(), z.unknown())).max(128).optional(),
    include: z.array(z.string()).optional(),
    prompt_cache_key: z.string().max(200).optional(),
  })
  .loose();
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
