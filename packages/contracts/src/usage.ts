import { z } from 'zod';

/** How `GET /api/usage` groups its rows (days in the `tz` query's timezone). */
export const usageGroupBySchema = z.enum(['day', 'provider', 'model', 'key', 'app', 'feature', 'route']);
export type UsageGroupBy = z.infer<typeof usageGroupBySchema>;

/**
 * Sums over ledger rows. `apiPriceUsd` is what the requests would have cost at API prices; `savedUsd` is that sum
 * over rows a subscription answered, `spentUsd` over rows a paid API key answered.
 */
export const usageTotalsSchema = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  inputTokens: z.number().int(),
  cachedInputTokens: z.number().int(),
  outputTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  apiPriceUsd: z.number(),
  savedUsd: z.number(),
  spentUsd: z.number(),
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

/** One group of `GET /api/usage`: `key` is the grouping value (a day `YYYY-MM-DD`, a model id, a key id, …). */
export const usageGroupSchema = usageTotalsSchema.extend({ key: z.string(), label: z.string() });
export type UsageGroup = z.infer<typeof usageGroupSchema>;

/** `GET /api/usage?from&to&groupBy&tz` (session, or a key/app: its own usage only). */
export const usageSummarySchema = z.object({
  from: z.string().describe('ISO 8601'),
  to: z.string().describe('ISO 8601'),
  groupBy: usageGroupBySchema,
  totals: usageTotalsSchema,
  groups: z.array(usageGroupSchema),
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;

/** One ledger row as the request log shows it: metadata only, never prompt or answer content. */
export const usageRequestRowSchema = z.object({
  id: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  userId: z.string(),
  callerKind: z.string(),
  apiKeyId: z.string().nullable(),
  appClientId: z.string().nullable(),
  route: z.string(),
  feature: z.string().nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  inputTokens: z.number().int().nullable(),
  cachedInputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  reasoningTokens: z.number().int().nullable(),
  firstTokenMs: z.number().int().nullable(),
  durationMs: z.number().int(),
  status: z.number().int(),
  errorCode: z.string().nullable(),
  fallbackFrom: z.string().nullable(),
  isSubscription: z.boolean(),
  apiPriceUsd: z.number().nullable(),
  priceVersion: z.string().nullable(),
  keyName: z.string().nullable().optional(),
  appName: z.string().nullable().optional(),
});
export type UsageRequestRow = z.infer<typeof usageRequestRowSchema>;

/** `GET /api/usage/requests?…` (newest first; `nextCursor` fetches the next page). */
export const usageRequestPageSchema = z.object({
  requests: z.array(usageRequestRowSchema),
  nextCursor: z.string().nullable(),
});
export type UsageRequestPage = z.infer<typeof usageRequestPageSchema>;

/** The filters of `GET /api/usage/requests` (and of its `format=csv` export). */
export const usageRequestQuerySchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  keyId: z.string().optional(),
  appClientId: z.string().optional(),
  status: z.enum(['ok', 'error']).optional(),
  errorCode: z.string().optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export type UsageRequestQuery = z.infer<typeof usageRequestQuerySchema>;

/** One usage window of the subscription: `primary` (about 5 hours) or `secondary` (a week). */
export const quotaWindowSchema = z.object({
  name: z.string(),
  usedPercent: z.number().nullable(),
  windowMinutes: z.number().nullable(),
  resetsAt: z.string().nullable().describe('ISO 8601'),
});
export type QuotaWindow = z.infer<typeof quotaWindowSchema>;

/** A past snapshot of the windows, for the history chart. */
export const quotaSnapshotSchema = z.object({
  observedAt: z.string().describe('ISO 8601'),
  windows: z.array(quotaWindowSchema),
});
export type QuotaSnapshot = z.infer<typeof quotaSnapshotSchema>;

/** `GET /api/usage/quota`: the windows now (`source` null: nothing known yet) and their history, oldest first. */
export const usageQuotaSchema = z.object({
  windows: z.array(quotaWindowSchema),
  fetchedAt: z.string().nullable().describe('ISO 8601'),
  source: z.enum(['usage-endpoint', 'headers']).nullable(),
  history: z.array(quotaSnapshotSchema),
});
export type UsageQuota = z.infer<typeof usageQuotaSchema>;
