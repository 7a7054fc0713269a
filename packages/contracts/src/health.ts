import { z } from 'zod';

/** `GET /healthz`: the process is up. */
export const livenessSchema = z.object({ status: z.literal('ok') });

/** `GET /readyz`: the database answers. 503 with `status: "unavailable"` otherwise. */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ database: z.enum(['ok', 'failed']) }),
});
export type Readiness = z.infer<typeof readinessSchema>;
