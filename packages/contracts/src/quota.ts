import { z } from 'zod';
import { quotaWindowNameSchema } from './routing-rules.ts';

/** One usage window of the subscription now. */
export const quotaWindowSchema = z.object({
  /** `5h` (primary), `weekly` (secondary). */
  window: quotaWindowNameSchema,
  usedPercent: z.number().nullable(),
  windowMinutes: z.number().nullable(),
  resetsAt: z.string().nullable().describe('ISO 8601'),
});
export type QuotaWindow = z.infer<typeof quotaWindowSchema>;

/** One stored reading of the windows (the quota history). */
export const quotaHistoryPointSchema = z.object({
  observedAt: z.string().describe('ISO 8601'),
  source: z.enum(['usage-endpoint', 'headers']),
  fiveHourUsedPercent: z.number().nullable(),
  weeklyUsedPercent: z.number().nullable(),
});
export type QuotaHistoryPoint = z.infer<typeof quotaHistoryPointSchema>;

/**
 * `GET /api/usage/quota` (session): the subscription's windows now — read from the usage endpoint when the stored
 * snapshot is old, else the stored one (from that endpoint or from the last answer's headers) — and their history,
 * oldest first. `source` null and no windows: no ChatGPT subscription connected, or nothing known yet.
 */
export const quotaAnswerSchema = z.object({
  windows: z.array(quotaWindowSchema),
  fetchedAt: z.string().nullable().describe('ISO 8601: when the windows were read from the backend'),
  source: z.enum(['usage-endpoint', 'headers']).nullable(),
  planType: z.string().nullable(),
  history: z.array(quotaHistoryPointSchema),
});
export type QuotaAnswer = z.infer<typeof quotaAnswerSchema>;
